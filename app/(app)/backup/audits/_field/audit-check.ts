import type { ScanOutcome as ReadOutcome } from "@/app/(app)/backup/scan/scan-input";
import type { ScanOutcome } from "@/lib/audits";

/** What the device knows of a scanned label: where the catalogue has the cartridge, or nothing (no such cartridge). */
export type KnownPlace = (barcode: string) => string | undefined;

/** An audit as scanned so far, by outcome, for the screen to show at every read. */
export type AuditTally = {
  /** Expected and scanned. */
  present: string[];
  /** Scanned, not expected, a cartridge the catalogue has elsewhere. */
  misplaced: string[];
  /** Scanned, and no cartridge has this label. */
  unknown: string[];
  /** Expected and not scanned yet. */
  toScan: string[];
};

/**
 * The outcome of a scan: the server's once it has applied the scan, otherwise what the device can tell from
 * the expected list and its catalogue (the same rule the server applies).
 */
export function outcomeOf(
  barcode: string,
  expected: ReadonlySet<string>,
  applied: Readonly<Record<string, ScanOutcome>>,
  known: KnownPlace,
): ScanOutcome {
  const outcome = applied[barcode];
  if (outcome) return outcome;
  if (expected.has(barcode)) return "present";
  return known(barcode) === undefined ? "unknown" : "misplaced";
}

/** Expected vs scanned, split by outcome; each list sorted. */
export function tallyAudit(
  expected: readonly string[],
  scanned: readonly string[],
  applied: Readonly<Record<string, ScanOutcome>>,
  known: KnownPlace,
): AuditTally {
  const onList = new Set(expected);
  const seen = new Set(scanned);
  const tally: AuditTally = { present: [], misplaced: [], unknown: [], toScan: [] };
  for (const barcode of [...seen].sort()) tally[outcomeOf(barcode, onList, applied, known)].push(barcode);
  tally.toScan = expected.filter((barcode) => !seen.has(barcode)).sort();
  return tally;
}

/**
 * What a read of `barcode` means for the audit, as it is announced and heard. A label read again (here or on
 * another device) is harmless: it is said so, and counted once.
 */
export function auditReadOutcome(
  barcode: string,
  expected: readonly string[],
  scanned: readonly string[],
  known: KnownPlace,
): ReadOutcome {
  if (scanned.includes(barcode)) return { message: `${barcode} is already scanned: it counts once.` };
  if (expected.includes(barcode)) {
    const present = scanned.filter((other) => expected.includes(other)).length + 1;
    return { message: `${barcode} present: ${present} of ${expected.length} expected.`, sound: "confirm" };
  }
  const place = known(barcode);
  if (place === undefined) return { message: `${barcode} is not in the catalogue: an unknown label.`, sound: "warn" };
  return { message: `${barcode} is misplaced: the catalogue has it elsewhere (${place}).`, sound: "warn" };
}
