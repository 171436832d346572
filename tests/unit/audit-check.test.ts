import { describe, expect, test } from "vitest";
import { auditReadOutcome, tallyAudit } from "../../app/(app)/backup/audits/_field/audit-check";

const EXPECTED = ["AUD002L9", "AUD001L9", "AUD003L9"];
const CATALOGUE: Record<string, string> = {
  AUD001L9: "On site, Head office",
  AUD002L9: "On site, Head office",
  AUD003L9: "On site, Head office",
  ELS001L9: "Off site, Iron Vault",
};
const known = (barcode: string) => CATALOGUE[barcode];

describe("an audit's tally", () => {
  test("splits the scans into present, misplaced and unknown, and lists what is still to scan", () => {
    expect(tallyAudit(EXPECTED, ["UNK001L9", "AUD002L9", "ELS001L9"], {}, known)).toEqual({
      present: ["AUD002L9"],
      misplaced: ["ELS001L9"],
      unknown: ["UNK001L9"],
      toScan: ["AUD001L9", "AUD003L9"],
    });
  });

  test("takes the server's outcome over the device's guess once the scan is applied", () => {
    // Registered since the device's last pull: the server found it in the catalogue.
    const tally = tallyAudit(EXPECTED, ["NEW001L9"], { NEW001L9: "misplaced" }, known);
    expect(tally.misplaced).toEqual(["NEW001L9"]);
    expect(tally.unknown).toEqual([]);
  });

  test("counts a label scanned twice once", () => {
    expect(tallyAudit(EXPECTED, ["AUD001L9", "AUD001L9"], {}, known).present).toEqual(["AUD001L9"]);
  });
});

describe("what a read says", () => {
  test("an expected cartridge is present, with how many of the list are", () => {
    expect(auditReadOutcome("AUD001L9", EXPECTED, ["AUD002L9", "ELS001L9"], known)).toEqual({
      message: "AUD001L9 present: 2 of 3 expected.",
      sound: "confirm",
    });
  });

  test("a cartridge the catalogue has elsewhere is misplaced, saying where", () => {
    expect(auditReadOutcome("ELS001L9", EXPECTED, [], known)).toEqual({
      message: "ELS001L9 is misplaced: the catalogue has it elsewhere (Off site, Iron Vault).",
      sound: "warn",
    });
  });

  test("a label no cartridge has is unknown", () => {
    expect(auditReadOutcome("UNK001L9", EXPECTED, [], known)).toEqual({
      message: "UNK001L9 is not in the catalogue: an unknown label.",
      sound: "warn",
    });
  });

  test("a second read of a label is harmless and silent", () => {
    expect(auditReadOutcome("AUD001L9", EXPECTED, ["AUD001L9"], known)).toEqual({
      message: "AUD001L9 is already scanned: it counts once.",
    });
  });
});
