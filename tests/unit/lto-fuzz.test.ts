import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { normaliseLabel, parseLtoLabel, type LtoLabel, type MediaType } from "../../lib/lto";

/** Reproduce a failure with the seed fast-check prints: FC_SEED=<seed> npx vitest run --project unit <this file>. */
const SEED = Number(process.env.FC_SEED ?? 20_260_301);
const RUNS = 500;
const settings = { seed: SEED, numRuns: RUNS };

const DATA_MEDIA = ["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "LA", "PA", "M8"];
const WORM_MEDIA = ["LT", "LU", "LV", "LW", "LX", "LY", "LZ"];
const SERIAL_CHARS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];

// Strings as scanners, keyboards and hostile clients produce them: any code unit (lone surrogates
// included), whole graphemes, label-like text with the characters scanners add.
const anyString = fc.oneof(
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 4 },
  { arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }), weight: 4 },
  {
    arbitrary: fc.string({
      unit: fc.constantFrom("\u0000", "\uD800", "\uDFFF", "\u202E", "\u00A0", "\uFEFF", "😀", "ß", "ı", "ﬁ"),
      maxLength: 12,
    }),
    weight: 4,
  },
  {
    arbitrary: fc.string({ unit: fc.constantFrom(...SERIAL_CHARS, ..."lcnwxyz*  \t\n\r-_."), maxLength: 14 }),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(
      "x".repeat(100_000),
      "*".repeat(100_000),
      " ".repeat(100_000),
      `*${"😀".repeat(50_000)}*`,
    ),
    weight: 1,
  },
);

const serial = fc.string({ unit: fc.constantFrom(...SERIAL_CHARS), minLength: 6, maxLength: 6 });
const canonicalLabel = fc
  .tuple(serial, fc.constantFrom(...DATA_MEDIA, ...WORM_MEDIA, "CU"))
  .map(([volumeSerial, mediaId]) => `${volumeSerial}${mediaId}`);

/** A canonical label as it may arrive: any letters lower-cased, wrapped in whitespace and Code 39 asterisks. */
const decoratedLabel = fc
  .record({
    label: canonicalLabel,
    lower: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    before: fc.string({ unit: fc.constantFrom(" ", "*", "\t", "\n", "\r", "\u00A0", "\uFEFF"), maxLength: 5 }),
    after: fc.string({ unit: fc.constantFrom(" ", "*", "\t", "\n", "\r", "\u00A0", "\uFEFF"), maxLength: 5 }),
  })
  .map(({ label, lower, before, after }) => ({
    label,
    input: `${before}${[...label].map((char, index) => (lower[index] ? char.toLowerCase() : char)).join("")}${after}`,
  }));

const CONTROL = /[\u0000-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe("the label parser under any input", () => {
  test("never throws, and answers either a label or a reason", () => {
    fc.assert(
      fc.property(anyString, (input) => {
        const result = parseLtoLabel(input);
        expect(typeof result.ok).toBe("boolean");
        expect(() => normaliseLabel(input)).not.toThrow();
      }),
      settings,
    );
  });

  test("every rejection has a short message a person can read, and can be stored", () => {
    fc.assert(
      fc.property(anyString, (input) => {
        const result = parseLtoLabel(input);
        if (result.ok) return;
        expect(result.error.trim().length).toBeGreaterThan(10);
        expect(result.error.length).toBeLessThanOrEqual(200);
        expect(result.error).not.toMatch(CONTROL);
        expect(result.error).not.toMatch(LONE_SURROGATE);
      }),
      settings,
    );
  });

  test("an accepted label is the normalised input, 8 characters, and parses again to itself", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyString,
          decoratedLabel.map(({ input }) => input),
        ),
        (input) => {
          const result = parseLtoLabel(input);
          if (!result.ok) return;
          const { label } = result;
          expect(label.barcode).toBe(normaliseLabel(input));
          expect(label.barcode).toMatch(/^[A-Z0-9]{8}$/);
          expect(label.volumeSerial + label.mediaId).toBe(label.barcode);
          expect(parseLtoLabel(label.barcode)).toEqual(result);
        },
      ),
      settings,
    );
  });

  test("a label in lower case, with whitespace or Code 39 asterisks around it, reads as the label itself", () => {
    fc.assert(
      fc.property(decoratedLabel, ({ label, input }) => {
        const result = parseLtoLabel(input);
        expect(result.ok ? result.label.barcode : result.error).toBe(label);
      }),
      settings,
    );
  });

  test("long scanner garbage is answered at once, not after seconds of backtracking", () => {
    const started = performance.now();
    for (const garbage of [`x${"*".repeat(100_000)}x`, `x${" *".repeat(50_000)}x`, `${"\t".repeat(100_000)}0`]) {
      expect(parseLtoLabel(garbage).ok).toBe(false);
    }
    // Linear work takes milliseconds; the quadratic kind took over a minute on these inputs.
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  test("normalising twice changes nothing more than normalising once", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyString,
          decoratedLabel.map(({ input }) => input),
        ),
        (input) => {
          const once = normaliseLabel(input);
          expect(normaliseLabel(once)).toBe(once);
        },
      ),
      settings,
    );
  });
});

// ---------------------------------------------------------------------------------------------------

const GB = 1_000_000_000n;
const TB = 1000n * GB;

type Expected = {
  label: string;
  generation: number | null;
  mediaType: MediaType;
  worm: boolean;
  capacity: bigint | null;
};

/** Labels as printed on real cartridges of every kind, with what ARCHITECTURE.md §3 says each one is. */
const REAL_LABELS: Expected[] = [
  { label: "A00001L1", generation: 1, mediaType: "data", worm: false, capacity: 100n * GB },
  { label: "BK0002L2", generation: 2, mediaType: "data", worm: false, capacity: 200n * GB },
  { label: "OFF003L3", generation: 3, mediaType: "data", worm: false, capacity: 400n * GB },
  { label: "VOL004L4", generation: 4, mediaType: "data", worm: false, capacity: 800n * GB },
  { label: "Q12345L5", generation: 5, mediaType: "data", worm: false, capacity: 1500n * GB },
  { label: "ZZ9999L6", generation: 6, mediaType: "data", worm: false, capacity: 2500n * GB },
  { label: "S70001L7", generation: 7, mediaType: "data", worm: false, capacity: 6n * TB },
  { label: "TYPEM1M8", generation: 7, mediaType: "data", worm: false, capacity: 9n * TB },
  { label: "800001L8", generation: 8, mediaType: "data", worm: false, capacity: 12n * TB },
  { label: "NAS900L9", generation: 9, mediaType: "data", worm: false, capacity: 18n * TB },
  { label: "X10000LA", generation: 10, mediaType: "data", worm: false, capacity: 30n * TB },
  { label: "X10001PA", generation: 10, mediaType: "data", worm: false, capacity: 40n * TB },
  { label: "WORM03LT", generation: 3, mediaType: "worm", worm: true, capacity: 400n * GB },
  { label: "WORM04LU", generation: 4, mediaType: "worm", worm: true, capacity: 800n * GB },
  { label: "WORM05LV", generation: 5, mediaType: "worm", worm: true, capacity: 1500n * GB },
  { label: "WORM06LW", generation: 6, mediaType: "worm", worm: true, capacity: 2500n * GB },
  { label: "WORM07LX", generation: 7, mediaType: "worm", worm: true, capacity: 6n * TB },
  { label: "WORM08LY", generation: 8, mediaType: "worm", worm: true, capacity: 12n * TB },
  { label: "WORM09LZ", generation: 9, mediaType: "worm", worm: true, capacity: 18n * TB },
  ...["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9"].map((mediaId, index) => ({
    label: `CLN${String(index + 1).padStart(3, "0")}${mediaId}`,
    generation: null,
    mediaType: "cleaning" as const,
    worm: false,
    capacity: null,
  })),
  { label: "CLN100CU", generation: null, mediaType: "cleaning", worm: false, capacity: null },
  { label: "UNIV01CU", generation: null, mediaType: "cleaning", worm: false, capacity: null },
];

function accepted(input: string): LtoLabel {
  const result = parseLtoLabel(input);
  if (!result.ok) throw new Error(`"${input}" was rejected: ${result.error}`);
  return result.label;
}

describe("real labels of every generation", () => {
  test.each(REAL_LABELS)("$label: generation $generation, $mediaType", (expected) => {
    const label = accepted(expected.label);
    expect(label).toMatchObject({
      barcode: expected.label,
      volumeSerial: expected.label.slice(0, 6),
      mediaId: expected.label.slice(6),
      generation: expected.generation,
      mediaType: expected.mediaType,
      nativeCapacityBytes: expected.capacity,
    });
    expect(label.mediaType === "worm").toBe(expected.worm);
  });

  test("the table covers every media identifier the format has", () => {
    const covered = new Set(REAL_LABELS.map(({ label }) => label.slice(6)));
    for (const mediaId of [...DATA_MEDIA, ...WORM_MEDIA, "CU"]) expect(covered, mediaId).toContain(mediaId);
  });
});

/** Labels one mistake away from valid: each must be rejected, with a reason. */
const NEAR_MISSES: { label: string; why: string }[] = [
  { label: "000123L0", why: "there is no LTO-0" },
  { label: "000123LB", why: "LB is no media identifier (LTO-11 is not defined)" },
  { label: "000123PB", why: "only PA exists of the P media" },
  { label: "000123M7", why: "only M8 exists of the type M media" },
  { label: "000123M9", why: "only M8 exists of the type M media" },
  { label: "000123LS", why: "WORM identifiers run LT to LZ" },
  { label: "000123CL", why: "cleaning is CU or CLNxxxLx" },
  { label: "000123L", why: "seven characters" },
  { label: "0001234L9", why: "nine characters" },
  { label: "000123L9L9", why: "ten characters" },
  { label: "000123-L9", why: "a separator before the media identifier" },
  { label: "000 23L9", why: "a space inside the volume serial" },
  { label: "000_23L9", why: "an underscore in the volume serial" },
  { label: "00012.L9", why: "a dot in the volume serial" },
  { label: "ÖBC123L9", why: "a letter outside A–Z" },
  { label: "０００１２３Ｌ９", why: "full-width digits and letters" },
  { label: "000123L9\u0000", why: "a NUL after the label" },
  { label: "000\u000023L9", why: "a NUL inside the volume serial" },
  { label: "0001😀L9", why: "an emoji in the volume serial" },
  { label: "000123L\uD83D", why: "half an emoji as media identifier" },
  { label: "*000*123L9*", why: "an asterisk inside the label" },
  { label: "**", why: "only start and stop characters" },
  { label: " \t\n ", why: "only whitespace" },
  { label: "", why: "nothing" },
];

describe("near misses", () => {
  test.each(NEAR_MISSES)("$label is rejected: $why", ({ label }) => {
    const result = parseLtoLabel(label);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.trim().length).toBeGreaterThan(10);
    expect(result.error).not.toMatch(CONTROL);
    expect(result.error).not.toMatch(LONE_SURROGATE);
  });
});
