import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { diffFields } from "../../server/audit/service";

const FIELDS = ["a", "b", "c"] as const;

/** What a field may hold: JSON's values and what the audit converts (dates, bigints), NaN and ±0 included. */
const value = fc.oneof(
  fc.constantFrom(null, undefined, true, false, 0, -0, 1, Number.NaN, Number.POSITIVE_INFINITY, "", "0", "null"),
  fc.string(),
  fc.double(),
  fc.bigInt(),
  fc.date({ noInvalidDate: true }),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
);
const snapshot = fc.option(fc.record({ a: value, b: value, c: value }, { requiredKeys: [] }), { nil: null });

/** The rule as stated: a field changed when its value, converted as the audit stores it, prints other JSON. */
function printed(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === "bigint") return JSON.stringify(value.toString());
  return JSON.stringify(value);
}

describe("diffFields", () => {
  test("names exactly the fields whose stored JSON differs", () => {
    fc.assert(
      fc.property(snapshot, snapshot, (before, after) => {
        const changed = FIELDS.filter((field) => printed(before?.[field]) !== printed(after?.[field]));
        expect(Object.keys(diffFields(before, after, FIELDS))).toEqual(changed);
      }),
      { numRuns: 2000 },
    );
  });

  test("a create is a diff from nothing", () => {
    expect(diffFields(null, { a: "x", b: null, c: new Date("2026-12-04T10:00:00.000Z") }, FIELDS)).toEqual({
      a: { from: null, to: "x" },
      c: { from: null, to: "2026-12-04T10:00:00.000Z" },
    });
  });
});
