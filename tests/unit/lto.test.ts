import { describe, expect, test } from "vitest";
import { normaliseLabel, parseLtoLabel, type LtoLabel } from "../../lib/lto";
import fixture from "../fixtures/lto-labels.json";

function parsed(input: string): LtoLabel {
  const result = parseLtoLabel(input);
  if (!result.ok) throw new Error(`"${input}" was rejected: ${result.error}`);
  return result.label;
}

describe("valid labels", () => {
  test.each(fixture.valid)("$label is $generation $mediaType", (example) => {
    const label = parsed(example.label);

    expect(label.barcode).toBe(example.label);
    expect(label.volumeSerial).toBe(example.label.slice(0, 6));
    expect(label.mediaId).toBe(example.mediaId);
    expect(label.generationLabel).toBe(example.generation);
    expect(label.mediaType).toBe(example.mediaType);
    expect(label.nativeCapacityBytes).toBe(
      example.nativeCapacityGB === null ? null : BigInt(example.nativeCapacityGB) * 1_000_000_000n,
    );
  });

  test("the numeric generation agrees with the generation label", () => {
    for (const example of fixture.valid) {
      const label = parsed(example.label);
      if (example.generation === null) expect(label.generation, example.label).toBeNull();
      else expect(example.generation, example.label).toMatch(new RegExp(`^LTO-${label.generation}\\b`));
    }
  });
});

describe("invalid labels", () => {
  test.each(fixture.invalid)("$label is rejected ($why)", (example) => {
    const result = parseLtoLabel(example.label);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    // The message is shown to the person scanning, so it has to say something, not just fail.
    expect(result.error.trim().length).toBeGreaterThan(10);
  });

  test("the message says what is wrong", () => {
    const error = (input: string) => {
      const result = parseLtoLabel(input);
      return result.ok ? "" : result.error;
    };
    expect(error("")).toMatch(/Enter or scan/);
    expect(error("00123L9")).toMatch(/8 characters.*has 7/);
    expect(error("0001234L9")).toMatch(/has 9/);
    expect(error("000-23L9")).toMatch(/"000-23".*letters A–Z and digits 0–9/);
    expect(error("000123LB")).toMatch(/"LB" is not an LTO media identifier/);
  });
});

describe("normalisation", () => {
  test.each(fixture.normalise)("$why", (example) => {
    expect(normaliseLabel(example.input)).toBe(example.label);
    expect(parsed(example.input).barcode).toBe(example.label);
  });
});
