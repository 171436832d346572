import { z } from "zod";
import { cursorSchema } from "./paging";
import { cartridgeBarcodeSchema, optionalText, registerAnyTapeSchema } from "./tapes";
import { text } from "./text";

/**
 * An inventory audit: the cartridges the catalogue places at a site (or one shelf or locker of it), frozen
 * when it starts, checked against the labels scanned there. Its states, what each scan and each expected
 * cartridge came to, and the counts, as every screen, the server, the report and the phone's cache read them.
 */
export const AUDIT_STATES = ["open", "closed", "cancelled"] as const;
export type AuditState = (typeof AUDIT_STATES)[number];
export const AUDIT_STATE_LABEL: Record<AuditState, string> = {
  open: "Open",
  closed: "Closed",
  cancelled: "Cancelled",
};

/**
 * What a scanned label was found to be when the scan was applied: on the expected list (present), a
 * cartridge the catalogue has somewhere else (misplaced), or a label no cartridge has (unknown).
 */
export const SCAN_OUTCOMES = ["present", "misplaced", "unknown"] as const;
export type ScanOutcome = (typeof SCAN_OUTCOMES)[number];
export const SCAN_OUTCOME_LABEL: Record<ScanOutcome, string> = {
  present: "Present",
  misplaced: "Misplaced",
  unknown: "Unknown",
};

/** Every outcome a cartridge of an audit can come to: a scan's, or an expected cartridge not scanned. */
export type AuditOutcome = ScanOutcome | "missing" | "not_scanned";
export const AUDIT_OUTCOME_LABEL: Record<AuditOutcome, string> = {
  ...SCAN_OUTCOME_LABEL,
  missing: "Missing",
  not_scanned: "Not scanned yet",
};

/**
 * An expected cartridge not scanned: missing once the audit is closed, not scanned yet while it is open, and
 * left as it was when the audit is cancelled (a cancelled audit finds nothing missing).
 */
export function expectedOutcome(state: AuditState, scanned: boolean): AuditOutcome {
  if (scanned) return "present";
  return state === "closed" ? "missing" : "not_scanned";
}

export type AuditCounts = { expected: number; present: number; misplaced: number; unknown: number; missing: number };

/**
 * The counts of an audit from its expected list and its scans. `missing` is every expected cartridge not
 * scanned: while the audit is open, those still to scan.
 */
export function auditCounts(expected: readonly string[], scans: readonly { outcome: ScanOutcome }[]): AuditCounts {
  const count = (outcome: ScanOutcome) => scans.filter((scan) => scan.outcome === outcome).length;
  const present = count("present");
  return {
    expected: expected.length,
    present,
    misplaced: count("misplaced"),
    unknown: count("unknown"),
    missing: expected.length - present,
  };
}

/** Each step and the states it may be taken from. Corrections are applied once, after closing. */
export const AUDIT_STEPS = {
  scan: ["open"],
  registerUnknown: ["open"],
  close: ["open"],
  cancel: ["open"],
  applyCorrections: ["closed"],
} as const satisfies Record<string, readonly AuditState[]>;
export type AuditStep = keyof typeof AUDIT_STEPS;

const STEP_VERB: Record<AuditStep, string> = {
  scan: "scanned for",
  registerUnknown: "used to register a cartridge",
  close: "closed",
  cancel: "cancelled",
  applyCorrections: "corrected",
};

/** Why `step` cannot be taken on an audit, in words for the user; null when it can. */
export function auditStepRefusal(
  step: AuditStep,
  audit: { number: string; state: AuditState; correctedAt: Date | null },
): string | null {
  if (step === "applyCorrections" && audit.correctedAt)
    return `The corrections of audit ${audit.number} were already applied`;
  if ((AUDIT_STEPS[step] as readonly AuditState[]).includes(audit.state)) return null;
  const state = AUDIT_STATE_LABEL[audit.state].toLowerCase();
  if (step === "applyCorrections")
    return `Audit ${audit.number} is ${state}: corrections are applied once it is closed`;
  return `Audit ${audit.number} is ${state} and cannot be ${STEP_VERB[step]}`;
}

/** Shelf and locker as the catalogue records them, compared the way an audit matches them: trimmed, any case. */
export const samePlace = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? "").trim().toLowerCase() === (b ?? "").trim().toLowerCase();

const auditId = z.uuid({ message: "Unknown audit" });
const tapeId = z.uuid({ message: "Unknown cartridge" });

/** A site, optionally one shelf or one locker of it; without either, the whole site (a complete audit). */
export const startAuditSchema = z
  .object({
    siteId: z.uuid({ message: "Choose the site to audit" }),
    shelf: optionalText(60, "Shelf"),
    locker: optionalText(60, "Locker"),
    notes: optionalText(2000, "Notes"),
  })
  .refine((input) => !(input.shelf && input.locker), {
    message: "Audit one shelf or one locker, not both",
    path: ["locker"],
  });
export type StartAuditInput = z.output<typeof startAuditSchema>;
export type StartAuditFormValues = z.input<typeof startAuditSchema>;

export const auditRefSchema = z.object({ id: auditId });
export const cancelAuditSchema = z.object({
  id: auditId,
  reason: text().trim().min(1, "Say why the audit is cancelled").max(500, "The reason must be at most 500 characters"),
});
export const resolveMissingSchema = z.object({
  auditId,
  tapeId,
  resolution: text()
    .trim()
    .min(1, "Say how it was resolved")
    .max(1000, "The resolution must be at most 1,000 characters"),
});
export type ResolveMissingInput = z.output<typeof resolveMissingSchema>;

/**
 * Registers a label an audit found unknown, as the registration form does (a standard LTO label, or a
 * non-standard one with its generation), placed where the audit is.
 */
export const registerUnknownSchema = z.object({ auditId }).and(registerAnyTapeSchema);
export type RegisterUnknownInput = z.output<typeof registerUnknownSchema>;

export const auditListSchema = z.object({
  siteId: z.uuid({ message: "Unknown site" }).optional(),
  state: z.enum(AUDIT_STATES).optional(),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type AuditListInput = z.input<typeof auditListSchema>;

/** One label scanned for an audit, recorded on a phone or a desk as the `audit.scanned` event. */
export const auditScanSchema = z.object({ auditId, barcode: cartridgeBarcodeSchema });
export type AuditScanInput = z.output<typeof auditScanSchema>;

/**
 * An open audit as a phone keeps it to scan without signal: the labels expected and those already scanned
 * (by anyone), so present, misplaced and still-to-scan show offline.
 */
export type FieldAudit = {
  id: string;
  number: string;
  state: AuditState;
  siteId: string;
  siteName: string;
  shelf: string | null;
  locker: string | null;
  expected: string[];
  scanned: string[];
};
