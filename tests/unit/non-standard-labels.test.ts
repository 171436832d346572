import { describe, expect, test } from "vitest";
import {
  labelWithMedia,
  MEDIA_CHOICES,
  parseCartridgeBarcode,
  parseLtoLabel,
  parseNonStandardLabel,
} from "../../lib/lto";
import { REGISTER_TAPE_FORM_DEFAULTS, registerTapeFormSchema, type RegisterTapeFormValues } from "../../lib/tapes";
import fixture from "../fixtures/lto-labels.json";

const TB = 1_000_000_000_000n;

const error = (result: { ok: true } | { ok: false; error: string }) => (result.ok ? "" : result.error);

describe("parsing a non-standard label", () => {
  test.each([
    ["000123", "000123"],
    [" acme-0042 ", "ACME-0042"],
    ["*IN-HOUSE-000001*", "IN-HOUSE-000001"],
    ["ABCD", "ABCD"],
    ["A123456789012345", "A123456789012345"],
  ])("%j is the label %s", (input, barcode) => {
    expect(parseNonStandardLabel(input)).toEqual({ ok: true, barcode });
  });

  test("says why a label is refused", () => {
    expect(error(parseNonStandardLabel(""))).toMatch(/Enter the cartridge's label/);
    expect(error(parseNonStandardLabel("ABC"))).toMatch(/4 to 16 characters; "ABC" has 3/);
    expect(error(parseNonStandardLabel("A1234567890123456"))).toMatch(/4 to 16 characters; .* has 17/);
    expect(error(parseNonStandardLabel("ACME_0042"))).toMatch(/only letters A–Z, digits 0–9 and hyphens/);
    expect(error(parseNonStandardLabel("ACME 0042"))).toMatch(/only letters A–Z/);
    expect(error(parseNonStandardLabel("-ACME"))).toMatch(/starts and ends with a letter or digit/);
    expect(error(parseNonStandardLabel("ACME-"))).toMatch(/starts and ends with a letter or digit/);
    expect(error(parseNonStandardLabel("ÄCME"))).toMatch(/only letters A–Z/);
  });

  test("every standard label is refused, so it is always registered as what it says it is", () => {
    for (const example of fixture.valid) {
      expect(error(parseNonStandardLabel(example.label)), example.label).toMatch(/is a standard LTO label/);
    }
    for (const example of fixture.normalise) {
      expect(parseNonStandardLabel(example.input).ok, example.input).toBe(false);
    }
  });

  test("what the LTO parser refuses stays refused by it: standard labels are parsed as strictly as before", () => {
    for (const example of fixture.invalid) expect(parseLtoLabel(example.label).ok, example.label).toBe(false);
    expect(parseLtoLabel("000123").ok).toBe(false);
    expect(parseLtoLabel("ACME-0042").ok).toBe(false);
  });
});

describe("the generation chosen by hand", () => {
  test("gives the media type and native capacity of that generation", () => {
    expect(labelWithMedia("ACME-0042", "L7")).toMatchObject({
      barcode: "ACME-0042",
      mediaId: "L7",
      generation: 7,
      mediaType: "data",
      nativeCapacityBytes: 6n * TB,
    });
    expect(labelWithMedia("000123", "LZ")).toMatchObject({
      generation: 9,
      mediaType: "worm",
      nativeCapacityBytes: 18n * TB,
    });
    expect(labelWithMedia("000123", "PA")).toMatchObject({ generation: 10, nativeCapacityBytes: 40n * TB });
    expect(labelWithMedia("CLEAN1", "CU")).toMatchObject({
      generation: null,
      mediaType: "cleaning",
      nativeCapacityBytes: null,
    });
    expect(labelWithMedia("ACME-0042", "L0")).toBeNull();
    expect(labelWithMedia("ACME-0042", "__proto__")).toBeNull();
  });

  test("offers every media identifier the label table knows, each with the details a label of it would have", () => {
    for (const choice of MEDIA_CHOICES) {
      const standard = parseLtoLabel(`000100${choice.mediaId}`);
      if (!standard.ok) throw new Error(standard.error);
      const { mediaId, generation, generationLabel, mediaType, nativeCapacityBytes } = standard.label;
      expect(labelWithMedia("ACME-0042", choice.mediaId), choice.mediaId).toMatchObject({
        mediaId: mediaType === "cleaning" ? "CU" : mediaId,
        generation,
        generationLabel,
        mediaType,
        nativeCapacityBytes,
      });
    }
    const offered = MEDIA_CHOICES.map((choice) => choice.mediaId);
    for (const example of fixture.valid) {
      expect(offered, example.label).toContain(example.mediaType === "cleaning" ? "CU" : example.mediaId);
    }
  });
});

describe("a barcode named by an event or a scan", () => {
  test("is an LTO label or a well-formed non-standard one; otherwise the LTO parser's message", () => {
    expect(parseCartridgeBarcode(" 000123l9 ")).toEqual({ ok: true, barcode: "000123L9" });
    expect(parseCartridgeBarcode("acme-0042")).toEqual({ ok: true, barcode: "ACME-0042" });
    expect(error(parseCartridgeBarcode("AC_ME"))).toMatch(/An LTO label has 8 characters/);
    expect(error(parseCartridgeBarcode("ABC"))).toMatch(/An LTO label has 8 characters.*"ABC" has 3/);
  });
});

describe("the registration form's schema", () => {
  const form = (values: Partial<RegisterTapeFormValues>): RegisterTapeFormValues => ({
    ...REGISTER_TAPE_FORM_DEFAULTS,
    ...values,
  });
  const problems = (values: Partial<RegisterTapeFormValues>) => {
    const result = registerTapeFormSchema.safeParse(form(values));
    return result.success ? {} : Object.fromEntries(result.error.issues.map((issue) => [issue.path[0], issue.message]));
  };

  test("gives the server's input: capacity in bytes, tags as a list, no generation for a standard label", () => {
    expect(
      registerTapeFormSchema.parse(form({ barcode: "000123L9", mediaId: "L7", capacityGb: "12000", tags: "a, b,," })),
    ).toEqual({
      nonStandard: false,
      barcode: "000123L9",
      nativeCapacityBytes: 12n * TB,
      status: "empty",
      tags: ["a", "b"],
      notes: "",
    });
    expect(registerTapeFormSchema.parse(form({ nonStandard: true, barcode: "ACME-0042", mediaId: "L7" }))).toEqual({
      nonStandard: true,
      barcode: "ACME-0042",
      mediaId: "L7",
      nativeCapacityBytes: undefined,
      status: "empty",
      tags: [],
      notes: "",
    });
  });

  test("puts each problem on the field it is about, all at once", () => {
    expect(problems({ barcode: "ACME-0042", capacityGb: "lots" })).toEqual({
      barcode: expect.stringMatching(/An LTO label has 8 characters/),
      capacityGb: "Capacity must be a positive number of GB",
    });
    expect(problems({ nonStandard: true, barcode: "000123L9", capacityGb: "2000000" })).toEqual({
      barcode: expect.stringMatching(/is a standard LTO label/),
      mediaId: "Choose the cartridge's generation",
      capacityGb: "Capacity must be at most 1 PB",
    });
    expect(problems({ barcode: "000123L9", tags: "x".repeat(41) })).toEqual({
      tags: "A tag must be at most 40 characters",
    });
  });
});
