import type { ScanOutcome } from "@/app/(app)/backup/scan/scan-input";

/** What the person scanning chose for a cartridge the case does not expect. */
export type UnexpectedChoice = "add" | "leave";

/** A case as scanned so far, against what it should hold. */
export type CaseCheck = {
  /** Expected and scanned. */
  found: string[];
  /** Expected and not scanned yet. */
  missing: string[];
  /** Scanned, not expected, with what was chosen for each (undefined: not yet). */
  unexpected: { barcode: string; choice: UnexpectedChoice | undefined }[];
  /** Unexpected ones nobody has decided on yet: the case cannot be signed for until they are. */
  undecided: string[];
  /** What goes into the event: the expected ones scanned and the unexpected ones added. */
  inCase: string[];
};

/** Expected vs scanned, for the screen to show at every read. */
export function checkCase(
  expected: readonly string[],
  scanned: readonly string[],
  choices: Readonly<Record<string, UnexpectedChoice>>,
): CaseCheck {
  const onList = new Set(expected);
  const seen = new Set(scanned);
  const found = scanned.filter((barcode) => onList.has(barcode));
  const unexpected = scanned
    .filter((barcode) => !onList.has(barcode))
    .map((barcode) => ({ barcode, choice: choices[barcode] }));
  return {
    found,
    missing: expected.filter((barcode) => !seen.has(barcode)).sort(),
    unexpected,
    undecided: unexpected.filter((line) => !line.choice).map((line) => line.barcode),
    inCase: [...found, ...unexpected.filter((line) => line.choice === "add").map((line) => line.barcode)],
  };
}

/** What a read of `barcode` means for the case, as it is announced and heard. */
export function readOutcome(
  barcode: string,
  expected: readonly string[],
  scanned: readonly string[],
  choices: Readonly<Record<string, UnexpectedChoice>>,
): ScanOutcome {
  if (scanned.includes(barcode)) {
    if (choices[barcode] === "leave") return { message: `${barcode} is left out of the case.`, sound: "warn" };
    return { message: `${barcode} is already scanned.` };
  }
  if (!expected.includes(barcode))
    return { message: `${barcode} is not expected in this case: add it or leave it out.`, sound: "warn" };
  const found = scanned.filter((other) => expected.includes(other)).length + 1;
  return { message: `${barcode} scanned: ${found} of ${expected.length} expected.`, sound: "confirm" };
}
