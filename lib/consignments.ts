import { z } from "zod";
import { cursorSchema } from "./paging";
import { cartridgeBarcodeSchema, MAX_SIGNATURE_CHARS, optionalText } from "./tapes";
import { text } from "./text";

/**
 * A consignment: a case of cartridges moving from one site to another. Its states, the steps between them
 * and what each cartridge of it came to, as every screen, the server and the phone's cache read them.
 */
export const CONSIGNMENT_STATES = [
  "draft",
  "awaiting_approval",
  "approved",
  "in_transit",
  "received",
  "received_with_discrepancies",
  "cancelled",
] as const;
export type ConsignmentState = (typeof CONSIGNMENT_STATES)[number];
export const CONSIGNMENT_STATE_LABEL: Record<ConsignmentState, string> = {
  draft: "Draft",
  awaiting_approval: "Awaiting approval",
  approved: "Approved",
  in_transit: "In transit",
  received: "Received",
  received_with_discrepancies: "Received with discrepancies",
  cancelled: "Cancelled",
};

/**
 * Each step and the states it may start from. Submitting goes to awaiting approval when the consignment
 * needs approval and straight to approved when it does not; a rejection sends it back to draft with its
 * reason; receipt ends in received or received with discrepancies.
 */
export const CONSIGNMENT_STEPS = {
  edit: ["draft"],
  submit: ["draft"],
  approve: ["awaiting_approval"],
  reject: ["awaiting_approval"],
  cancel: ["draft", "awaiting_approval", "approved"],
  dispatch: ["approved"],
  receive: ["in_transit"],
  markFound: ["received_with_discrepancies"],
} as const satisfies Record<string, readonly ConsignmentState[]>;
export type ConsignmentStep = keyof typeof CONSIGNMENT_STEPS;

const STEP_VERB: Record<ConsignmentStep, string> = {
  edit: "edited",
  submit: "submitted",
  approve: "approved",
  reject: "rejected",
  cancel: "cancelled",
  dispatch: "dispatched",
  receive: "received",
  markFound: "have cartridges marked found",
};

/** Why `step` cannot be taken from `state`, in words for the user; null when it can. */
export function stepRefusal(step: ConsignmentStep, state: ConsignmentState): string | null {
  if ((CONSIGNMENT_STEPS[step] as readonly ConsignmentState[]).includes(state)) return null;
  return `A consignment that is ${CONSIGNMENT_STATE_LABEL[state].toLowerCase()} cannot be ${STEP_VERB[step]}`;
}

/** Open: not yet at its destination nor cancelled. A cartridge is in one open consignment at a time. */
export const OPEN_CONSIGNMENT_STATES = ["draft", "awaiting_approval", "approved", "in_transit"] as const;
export const isOpen = (state: ConsignmentState) =>
  (OPEN_CONSIGNMENT_STATES as readonly ConsignmentState[]).includes(state);
/** Not yet dispatched: its cartridges are still where they were, but already on their way (rotation). */
export const PACKING_CONSIGNMENT_STATES = ["draft", "awaiting_approval", "approved"] as const;

export const isReceived = (state: ConsignmentState) => state === "received" || state === "received_with_discrepancies";

/** What is known of one cartridge of a consignment. */
export type ConsignmentLineFacts = {
  expected: boolean;
  scannedOutAt: Date | null;
  scannedInAt: Date | null;
  lostAt: Date | null;
  resolvedAt: Date | null;
};

export const LINE_OUTCOMES = ["expected", "in_transit", "received", "missing", "lost"] as const;
export type LineOutcome = (typeof LINE_OUTCOMES)[number];
export const LINE_OUTCOME_LABEL: Record<LineOutcome, string> = {
  expected: "Expected",
  in_transit: "In transit",
  received: "Received",
  missing: "Missing",
  lost: "Lost",
};

/**
 * What a cartridge of the consignment came to, from its facts and the consignment's state. Before dispatch
 * every cartridge is expected. From dispatch, an expected cartridge not scanned out is missing (it did not
 * leave in the case); one scanned out is in transit until the receipt, which finds it received or missing.
 * A missing cartridge stays missing until found (scanned in later) or declared lost. Whether it was on the
 * list at all is `unexpected`, shown beside the outcome.
 */
export function lineOutcome(state: ConsignmentState, line: ConsignmentLineFacts): LineOutcome {
  if (line.scannedInAt) return "received";
  if (line.lostAt) return "lost";
  if (state === "in_transit") return line.scannedOutAt ? "in_transit" : "missing";
  if (isReceived(state)) return "missing";
  return "expected";
}

/** Scanned out or in without being on the consignment's list. */
export const isUnexpected = (line: Pick<ConsignmentLineFacts, "expected">) => !line.expected;

/**
 * An incident stays on the overview until resolved: a missing cartridge until it is found or declared
 * lost, a lost one until it is found or resolved with a note.
 */
export function lineIncident(state: ConsignmentState, line: ConsignmentLineFacts): "missing" | "lost" | null {
  const outcome = lineOutcome(state, line);
  if (outcome === "missing") return "missing";
  if (outcome === "lost" && !line.resolvedAt) return "lost";
  return null;
}

/** Seal numbers as typed: each one once, in the order given. */
const sealNumbersSchema = z
  .array(text().trim().min(1, "A seal number cannot be empty").max(60, "A seal number is at most 60 characters"))
  .max(10, "At most 10 seal numbers")
  .transform((seals) => [...new Set(seals)]);

/** The seal numbers at dispatch and at receipt match when they are the same set. */
export function sealsMatch(dispatched: readonly string[], received: readonly string[]): boolean {
  const norm = (seals: readonly string[]) => [...new Set(seals.map((seal) => seal.trim().toUpperCase()))].sort();
  return norm(dispatched).join("\n") === norm(received).join("\n");
}

const consignmentId = z.uuid({ message: "Unknown consignment" });
const tapeId = z.uuid({ message: "Unknown cartridge" });
const reason = (what: string) =>
  text().trim().min(1, `Say why ${what}`).max(500, "The reason must be at most 500 characters");

export const consignmentFormSchema = z.object({
  fromSiteId: z.uuid({ message: "Choose the site it leaves from" }),
  toSiteId: z.uuid({ message: "Choose the site it goes to" }),
  containerId: optionalText(60, "Case"),
  notes: optionalText(2000, "Notes"),
  /** The cartridges expected in the case; a draft may start empty and be filled in later. */
  tapeIds: z
    .array(tapeId)
    .max(1000, "At most 1,000 cartridges in one consignment")
    .transform((ids) => [...new Set(ids)])
    .default([]),
});
export type ConsignmentInput = z.output<typeof consignmentFormSchema>;
export type ConsignmentFormValues = z.input<typeof consignmentFormSchema>;

export const createConsignmentSchema = consignmentFormSchema.refine((input) => input.fromSiteId !== input.toSiteId, {
  message: "A consignment goes to another site than the one it leaves from",
  path: ["toSiteId"],
});
export const updateConsignmentSchema = z.object({ id: consignmentId, data: createConsignmentSchema });
export const consignmentRefSchema = z.object({ id: consignmentId });
export const rejectConsignmentSchema = z.object({ id: consignmentId, reason: reason("it is rejected") });
export const cancelConsignmentSchema = z.object({ id: consignmentId, reason: reason("it is cancelled") });
export const declareLostSchema = z.object({ id: consignmentId, tapeId, reason: reason("the cartridge is lost") });
export const markFoundSchema = z.object({
  id: consignmentId,
  tapeIds: z
    .array(tapeId)
    .min(1, "Choose the cartridges found")
    .max(1000)
    // A cartridge scanned twice was found once.
    .transform((ids) => [...new Set(ids)]),
});
/** Closes an incident: a lost cartridge's (`tapeId`) or the seal's (no `tapeId`). */
export const resolveIncidentSchema = z.object({
  id: consignmentId,
  tapeId: tapeId.optional(),
  note: text().trim().min(1, "Say how it was resolved").max(1000, "The note must be at most 1,000 characters"),
});
export const consignmentsOfTapeSchema = z.object({ tapeId });

export const CONSIGNMENT_LIST_FILTERS = ["open", "incidents", ...CONSIGNMENT_STATES, "all"] as const;
export type ConsignmentListFilter = (typeof CONSIGNMENT_LIST_FILTERS)[number];
export const consignmentListSchema = z.object({
  /** `open`: not received nor cancelled; `incidents`: with a missing or lost cartridge or a seal discrepancy. */
  filter: z.enum(CONSIGNMENT_LIST_FILTERS).default("open"),
  search: text().trim().max(60, "Search at most 60 characters").optional(),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1).max(200).default(25),
});
export type ConsignmentListInput = z.input<typeof consignmentListSchema>;

/** The cartridges scanned, as labels: each once. */
const scannedBarcodes = z
  .array(cartridgeBarcodeSchema)
  .max(1000, "At most 1,000 cartridges in one consignment")
  .transform((scanned) => [...new Set(scanned.map(({ barcode }) => barcode))]);

const signerName = (who: string) =>
  text().trim().min(1, `Enter the name of the ${who} signing`).max(120, "The name must be at most 120 characters");
const signature = z
  .string({ message: "Sign for the case" })
  .max(MAX_SIGNATURE_CHARS, "The signature image is too large")
  .regex(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/, "The signature must be a PNG image");

/**
 * Dispatch, recorded on a phone or a desk and applied once: the cartridges scanned into the case (those
 * not on its list are added as unexpected), its seals and the courier's signature for the whole case.
 */
export const dispatchSchema = z.object({
  consignmentId,
  barcodes: scannedBarcodes.refine((list) => list.length > 0, "Scan at least one cartridge into the case"),
  sealNumbers: sealNumbersSchema.refine((seals) => seals.length > 0, "Record the case's seal number"),
  courierName: signerName("courier"),
  signature,
  notes: optionalText(2000, "Notes"),
});
export type DispatchInput = z.output<typeof dispatchSchema>;

/**
 * Receipt at the destination: the cartridges scanned out of the case, the seal as found (a broken seal or
 * numbers that differ from the dispatch's must be described), the receiver's signature.
 */
export const receiptSchema = z
  .object({
    consignmentId,
    barcodes: scannedBarcodes,
    sealIntact: z.boolean({ message: "Say whether the seal is intact" }),
    sealNumbers: sealNumbersSchema,
    sealDiscrepancy: optionalText(1000, "The seal discrepancy"),
    receiverName: signerName("receiver"),
    signature,
    notes: optionalText(2000, "Notes"),
  })
  .refine((receipt) => receipt.sealIntact || receipt.sealDiscrepancy, {
    message: "Describe what is wrong with the seal",
    path: ["sealDiscrepancy"],
  });
export type ReceiptInput = z.output<typeof receiptSchema>;

/**
 * A consignment as a phone keeps it to dispatch or receive without signal (approved or in transit): its
 * sites and the labels expected and already scanned out, so missing and unexpected show offline.
 */
export type FieldConsignment = {
  id: string;
  number: string;
  state: ConsignmentState;
  containerId: string | null;
  sealNumbers: string[];
  courierName: string | null;
  dispatchedById: string | null;
  fromSite: { id: string; name: string };
  toSite: { id: string; name: string };
  expected: string[];
  scannedOut: string[];
};
