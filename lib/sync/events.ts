import { z } from "zod";
import { auditScanSchema } from "../audits";
import { dispatchSchema, receiptSchema } from "../consignments";
import {
  cartridgeBarcodeSchema,
  logLocationSchema,
  occurredAtSchema,
  recordCustodySchema,
  registerTapeSchema,
} from "../tapes";
import { text } from "../text";

/**
 * Events recorded in the field, possibly offline, and pushed to the server later. Each is typed,
 * append-only and carries a client-generated UUID v7 so the server applies it at most once.
 * Events name cartridges by barcode: a cartridge registered offline has no server id yet. A consignment's
 * dispatch or receipt names its consignment and the labels scanned; an audit's scan, its audit and the label.
 * Payloads are the forms' own schemas, so an event is held to the same rules as the form that made it.
 */
const eventBase = {
  id: z.uuid({ version: "v7", message: "An event id must be a UUID v7" }),
  /** Device clock at the moment it happened. */
  occurredAt: occurredAtSchema,
};

// A move or hand-off may name a cartridge with a non-standard label; the server checks it is registered.
const locationPayload = logLocationSchema
  .omit({ tapeId: true, occurredAt: true })
  .extend({ barcode: cartridgeBarcodeSchema });
const custodyPayload = recordCustodySchema
  .omit({ tapeId: true, occurredAt: true })
  .extend({ barcode: cartridgeBarcodeSchema });
// Capacity is left to the label: a bigint does not survive every hop between a phone and the server.
const tapePayload = registerTapeSchema.omit({ nativeCapacityBytes: true });

export const locationLoggedEvent = z.object({
  ...eventBase,
  type: z.literal("location.logged"),
  payload: locationPayload,
});
export const custodyRecordedEvent = z.object({
  ...eventBase,
  type: z.literal("custody.recorded"),
  payload: custodyPayload,
});
export const tapeRegisteredEvent = z.object({ ...eventBase, type: z.literal("tape.registered"), payload: tapePayload });
/** A whole case: its cartridges, seals and one signature travel as one event, applied all together or not at all. */
export const consignmentDispatchedEvent = z.object({
  ...eventBase,
  type: z.literal("consignment.dispatched"),
  payload: dispatchSchema,
});
export const consignmentReceivedEvent = z.object({
  ...eventBase,
  type: z.literal("consignment.received"),
  payload: receiptSchema,
});

/** One label scanned for an inventory audit: the first scan of a label counts, a later one changes nothing. */
export const auditScannedEvent = z.object({
  ...eventBase,
  type: z.literal("audit.scanned"),
  payload: auditScanSchema,
});

export const syncEventSchema = z.discriminatedUnion("type", [
  locationLoggedEvent,
  custodyRecordedEvent,
  tapeRegisteredEvent,
  consignmentDispatchedEvent,
  consignmentReceivedEvent,
  auditScannedEvent,
]);
export type ParsedSyncEvent = z.output<typeof syncEventSchema>;

export type SyncEventPayloads = {
  "location.logged": z.input<typeof locationPayload>;
  "custody.recorded": z.input<typeof custodyPayload>;
  "tape.registered": z.input<typeof tapePayload>;
  "consignment.dispatched": z.input<typeof dispatchSchema>;
  "consignment.received": z.input<typeof receiptSchema>;
  "audit.scanned": z.input<typeof auditScanSchema>;
};
export type SyncEventType = keyof SyncEventPayloads;

/** What a screen records: the kind of event and its fields. */
export type SyncEventDraft = { [T in SyncEventType]: { type: T; payload: SyncEventPayloads[T] } }[SyncEventType];

/** How an event about a consignment names its subject; no cartridge label contains a colon. */
export const CONSIGNMENT_SUBJECT = "consignment:";

/**
 * What an event is about, as the phone's outbox indexes it: a cartridge's label as recorded (an audit's scan
 * too), or the consignment a dispatch or receipt moves.
 */
export function eventSubject(event: SyncEventDraft): string {
  switch (event.type) {
    case "consignment.dispatched":
    case "consignment.received":
      return `${CONSIGNMENT_SUBJECT}${event.payload.consignmentId}`;
    default:
      return event.payload.barcode;
  }
}

/** An event as it travels to the server. */
export type SyncEvent = SyncEventDraft & { id: string; occurredAt: Date };

export const MAX_BATCH = 100;

/**
 * The push accepts any item with an id: each event is checked on its own by the server, so one malformed
 * event is rejected with its reason instead of failing the events around it.
 */
export const pushSchema = z.object({
  deviceId: text().trim().min(1, "The device id is missing").max(100, "The device id must be at most 100 characters"),
  /** The device's clock when it sent the push, so the server can correct the events' times (lib/sync/clock). */
  deviceTime: z.coerce
    .date({ message: "The device time is not a valid time" })
    .refine(
      (date) => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999,
      "The device time is not a valid time",
    )
    .optional(),
  /** The user who recorded the events on the device: only their own session may push them. */
  author: text()
    .trim()
    .min(1, "The author is missing")
    .max(100, "The author must be at most 100 characters")
    .optional(),
  events: z
    .array(
      z.looseObject({
        id: text().trim().min(1, "An event id is missing").max(100, "An event id must be at most 100 characters"),
      }),
    )
    .min(1, "Push at least one event")
    .max(MAX_BATCH, `At most ${MAX_BATCH} events per push`),
});
export type PushInput = z.output<typeof pushSchema>;

export type EventResult =
  { id: string; status: "applied" | "duplicate" } | { id: string; status: "rejected"; reason: string };

export const discardSchema = z.object({
  id: text().trim().min(1, "The event id is missing").max(100, "The event id must be at most 100 characters"),
  /** Why the user discards it, kept in the audit entry. */
  note: text().trim().max(500, "The note must be at most 500 characters").optional(),
});
export type DiscardInput = z.output<typeof discardSchema>;

/** A zod error as one line a courier can read: each problem, prefixed with the field it is about. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.filter((part) => part !== "payload").join(".");
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
