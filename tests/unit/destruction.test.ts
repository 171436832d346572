import { describe, expect, test } from "vitest";
import { destructionProblems, onlyUnexpired, recordDestructionSchema, scratchProblem } from "../../lib/destruction";

const NOW = new Date("2026-12-02T12:00:00Z");
const tape = {
  barcode: "000001L9",
  status: "full",
  locationKind: "on_site" as const,
  dataExpiresAt: new Date("2026-12-01T00:00:00Z"),
  openConsignment: null,
};
const kinds = (problems: { kind: string }[]) => problems.map((problem) => problem.kind);

describe("which cartridges may be destroyed", () => {
  test("one on site whose data has expired may", () => {
    expect(destructionProblems(tape, NOW, false)).toEqual([]);
    expect(destructionProblems({ ...tape, locationKind: null, dataExpiresAt: null }, NOW, false)).toEqual([]);
  });

  test("data that expires later needs an override, naming the cartridge and the date", () => {
    const problems = destructionProblems({ ...tape, dataExpiresAt: new Date("2027-03-01T00:00:00Z") }, NOW, false);
    expect(problems).toEqual([
      { kind: "unexpired", message: "000001L9 holds data that does not expire until 1 Mar 2027" },
    ]);
    expect(onlyUnexpired(problems)).toBe(true);
  });

  test("off site only with a vendor; in transit or in an open consignment never", () => {
    expect(kinds(destructionProblems({ ...tape, locationKind: "off_site" }, NOW, false))).toEqual(["off_site"]);
    expect(destructionProblems({ ...tape, locationKind: "off_site" }, NOW, true)).toEqual([]);
    expect(kinds(destructionProblems({ ...tape, locationKind: "in_transit" }, NOW, true))).toEqual(["in_transit"]);
    const packed = destructionProblems({ ...tape, openConsignment: "C-2026-0004" }, NOW, false);
    expect(packed[0]!.message).toContain("open consignment C-2026-0004");
    expect(onlyUnexpired(packed)).toBe(false);
  });

  test("a destroyed cartridge is destroyed once", () => {
    expect(kinds(destructionProblems({ ...tape, status: "destroyed" }, NOW, true))).toEqual(["destroyed"]);
  });
});

describe("return to scratch", () => {
  test("an expired cartridge on site may return; otherwise the reason says why not", () => {
    expect(scratchProblem(tape, NOW)).toBeNull();
    expect(scratchProblem({ ...tape, status: "empty" }, NOW)).toBe("000001L9 is already empty");
    expect(scratchProblem({ ...tape, status: "destroyed" }, NOW)).toBe("000001L9 is destroyed");
    expect(scratchProblem({ ...tape, locationKind: "off_site" }, NOW)).toBe(
      "000001L9 is off site: bring it back first",
    );
    expect(scratchProblem({ ...tape, dataExpiresAt: new Date("2026-12-03T00:00:00Z") }, NOW)).toBe(
      "000001L9 holds data that does not expire until 3 Dec 2026",
    );
  });
});

describe("the destruction form's schema", () => {
  const valid = {
    tapeIds: ["0192f000-0000-7000-8000-000000000001", "0192f000-0000-7000-8000-000000000001"],
    method: "destroy",
    technique: "Shred",
    performedAt: "2026-11-30",
    performedBy: "Sam",
    verification: "Looked",
    remainsDestination: "Recycled",
    vendor: "",
  };

  test("a cartridge listed twice is destroyed once; empty optional text is none", () => {
    const parsed = recordDestructionSchema.parse(valid);
    expect(parsed.tapeIds).toHaveLength(1);
    expect(parsed.vendor).toBeNull();
    expect(parsed.performedAt).toEqual(new Date("2026-11-30T00:00:00Z"));
  });

  test("a vendor needs its certificate number; at least one cartridge", () => {
    const issues = (input: object) =>
      recordDestructionSchema.safeParse(input).error?.issues.map((issue) => issue.message) ?? [];
    expect(issues({ ...valid, vendor: "Shred-It" })).toEqual(["Enter the vendor's certificate number"]);
    expect(issues({ ...valid, tapeIds: [] })).toEqual(["Add the cartridges destroyed"]);
  });
});
