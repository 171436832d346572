import { z } from "zod";
import { formatCalendarDate } from "./dates";
import { cursorSchema } from "./paging";
import { optionalText } from "./tapes";
import { text } from "./text";

/**
 * The end of a cartridge's life: its sanitization or destruction, recorded as NIST SP 800-88 asks, with a
 * certificate of sanitization. The methods and the usual techniques, the rules that say which cartridges
 * may be destroyed, and the form's schema, as the screens and the server read them.
 */
export const SANITIZATION_METHODS = ["clear", "purge", "destroy"] as const;
export type SanitizationMethod = (typeof SANITIZATION_METHODS)[number];
export const METHOD_LABEL: Record<SanitizationMethod, string> = {
  clear: "Clear",
  purge: "Purge",
  destroy: "Destroy",
};
/** What each method means in NIST SP 800-88 Rev. 1, as the form and the certificate explain it. */
export const METHOD_MEANING: Record<SanitizationMethod, string> = {
  clear:
    "Logical techniques (overwriting) that protect against simple, non-invasive recovery; the cartridge could be reused.",
  purge:
    "Physical or logical techniques (degaussing, cryptographic erase) that make recovery infeasible even in a laboratory.",
  destroy:
    "The cartridge can no longer be used or read: shredded, disintegrated, incinerated or pulverized, recovery infeasible.",
};

/** The usual techniques, with the method each belongs to; any other may be typed. */
export const TECHNIQUES = [
  { name: "Overwrite", method: "clear" },
  { name: "Cryptographic erase", method: "purge" },
  { name: "Degauss", method: "purge" },
  { name: "Shred", method: "destroy" },
  { name: "Disintegrate", method: "destroy" },
  { name: "Incinerate", method: "destroy" },
  { name: "Pulverize", method: "destroy" },
] as const satisfies readonly { name: string; method: SanitizationMethod }[];

export const MAX_DESTRUCTION_TAPES = 500;

const tapeId = z.uuid({ message: "Unknown cartridge" });
const destructionId = z.uuid({ message: "Unknown destruction" });
const required = (max: number, missing: string, what: string) =>
  text().trim().min(1, missing).max(max, `${what} must be at most ${max} characters`);

/** The cartridges of one destruction or check: each once, in the order given. */
const tapeIdsSchema = z
  .array(tapeId)
  .min(1, "Add the cartridges destroyed")
  .max(MAX_DESTRUCTION_TAPES, `At most ${MAX_DESTRUCTION_TAPES} cartridges in one destruction`)
  .transform((ids) => [...new Set(ids)]);

export const recordDestructionSchema = z
  .object({
    tapeIds: tapeIdsSchema,
    method: z.enum(SANITIZATION_METHODS, { message: "Choose the method: clear, purge or destroy" }),
    technique: required(120, "Say how: overwrite, degauss, shred…", "The technique"),
    /** The calendar day it was done (UTC midnight, like a job date). */
    performedAt: z.coerce
      .date({ message: "Enter the date it was done" })
      // A day ahead at most: the form's date is the local day, which may already be tomorrow in UTC.
      .refine((date) => date.getTime() <= Date.now() + 86_400_000, "The date cannot be in the future")
      .refine((date) => date.getUTCFullYear() >= 1990, "The date is too far in the past"),
    performedBy: required(120, "Enter who did it", "Performed by"),
    witness: optionalText(120, "The witness"),
    vendor: optionalText(120, "The vendor"),
    vendorCertificate: optionalText(120, "The vendor's certificate number"),
    verification: required(1000, "Say how the result was checked", "The verification"),
    remainsDestination: required(500, "Say where the remains went", "Where the remains went"),
    /** An administrator's reason for destroying cartridges whose data has not all expired. */
    overrideReason: optionalText(1000, "The override reason"),
    notes: optionalText(2000, "Notes"),
  })
  .refine((input) => !input.vendor || input.vendorCertificate, {
    message: "Enter the vendor's certificate number",
    path: ["vendorCertificate"],
  });
export type RecordDestructionInput = z.output<typeof recordDestructionSchema>;
export type DestructionFormValues = z.input<typeof recordDestructionSchema>;

export const checkDestructionSchema = z.object({
  tapeIds: tapeIdsSchema,
  /** A vendor does it: a cartridge off site may then be destroyed where it is. */
  withVendor: z.boolean().default(false),
});
export const destructionRefSchema = z.object({ id: destructionId });
export const destructionOfTapeSchema = z.object({ tapeId });
export const destructionListSchema = z.object({
  /** A certificate number, a vendor or a cartridge's barcode. */
  search: text().trim().max(60, "Search at most 60 characters").optional(),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type DestructionListInput = z.input<typeof destructionListSchema>;

/** What is known of a cartridge when deciding whether it may be destroyed. */
export type DestructionFacts = {
  barcode: string;
  status: string;
  /** The kind of its current location; null when none has been logged. */
  locationKind: "on_site" | "off_site" | "in_transit" | null;
  /** The latest expiry of its jobs; null when it holds none. */
  dataExpiresAt: Date | null;
  /** The open consignment it is in, if any. */
  openConsignment: string | null;
};

/** Why a cartridge may not be destroyed; `unexpired` alone an administrator may override with a reason. */
export type DestructionProblem = {
  kind: "destroyed" | "in_transit" | "off_site" | "consignment" | "unexpired";
  message: string;
};

/**
 * Why `tape` may not be destroyed now, each reason in words. It must be in hand: not in transit nor in an
 * open consignment, and off site only when a vendor does it (the vendor collected it or destroys it where it
 * is stored); on site, or with no location logged, it is where the organisation holds it. Its data must
 * all have expired, unless overridden.
 */
export function destructionProblems(tape: DestructionFacts, now: Date, withVendor: boolean): DestructionProblem[] {
  if (tape.status === "destroyed") return [{ kind: "destroyed", message: `${tape.barcode} is already destroyed` }];
  const problems: DestructionProblem[] = [];
  if (tape.openConsignment)
    problems.push({
      kind: "consignment",
      message: `${tape.barcode} is in open consignment ${tape.openConsignment}: cancel or receive it first`,
    });
  if (tape.locationKind === "in_transit")
    problems.push({
      kind: "in_transit",
      message: `${tape.barcode} is in transit: log where it arrived first`,
    });
  else if (tape.locationKind === "off_site" && !withVendor)
    problems.push({
      kind: "off_site",
      message: `${tape.barcode} is off site: name the vendor who destroys it there, or bring it back first`,
    });
  if (tape.dataExpiresAt && tape.dataExpiresAt > now)
    problems.push({
      kind: "unexpired",
      message: `${tape.barcode} holds data that does not expire until ${formatCalendarDate(tape.dataExpiresAt)}`,
    });
  return problems;
}

/** Whether only the override stands in the way. */
export const onlyUnexpired = (problems: DestructionProblem[]) =>
  problems.length > 0 && problems.every((problem) => problem.kind === "unexpired");

/** What is known of a cartridge when deciding whether it may be returned to scratch. */
export type ScratchFacts = Pick<DestructionFacts, "barcode" | "status" | "locationKind" | "dataExpiresAt">;

/**
 * Why `tape` may not be returned to scratch (made empty for reuse) now; null when it may. Every job on it
 * must have expired, it must not be destroyed nor already empty, and it must have been brought back: not off
 * site nor in transit.
 */
export function scratchProblem(tape: ScratchFacts, now: Date): string | null {
  if (tape.status === "destroyed") return `${tape.barcode} is destroyed`;
  if (tape.status === "empty") return `${tape.barcode} is already empty`;
  if (tape.locationKind === "off_site") return `${tape.barcode} is off site: bring it back first`;
  if (tape.locationKind === "in_transit") return `${tape.barcode} is in transit: log where it arrived first`;
  if (tape.dataExpiresAt && tape.dataExpiresAt > now)
    return `${tape.barcode} holds data that does not expire until ${formatCalendarDate(tape.dataExpiresAt)}`;
  return null;
}
