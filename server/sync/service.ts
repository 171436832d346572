import { createHash } from "node:crypto";
import { z } from "zod";
import type { SyncEvent } from "../../generated/prisma/client";
import { clockSkew, correctedTime } from "../../lib/sync/clock";
import {
  describeIssues,
  syncEventSchema,
  type DiscardInput,
  type EventResult,
  type ParsedSyncEvent,
  type PushInput,
} from "../../lib/sync/events";
import { toStorableText } from "../../lib/text";
import type { SyncActor, SyncPusher } from "../../lib/users";
import { diffFields, recordAudit } from "../audit/service";
import type { Db, Tx } from "../db";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { signatureProblem } from "../custody/signature";
import { applyClaimedInTx } from "./apply";
import { transaction } from "../db/transaction";

type PushedItem = PushInput["events"][number];
type Pushed = {
  item: PushedItem;
  parsed: { success: true; data: ParsedSyncEvent } | { success: false; error: z.ZodError };
  /** What identifies the event's content beyond its id: a replay of the id must carry the same. */
  contentHash: string;
};
type Push = { actor: SyncPusher; deviceId: string; deviceTime: Date | null; receivedAt: Date };

/**
 * A batch waits behind other phones' batches (on PGlite, one transaction at a time) and may take seconds on
 * a busy server; Prisma's defaults (2 s to start, 5 s to finish) would fail it for nothing.
 */
const BATCH_TRANSACTION = { maxWait: 30_000, timeout: 60_000 };

type StoredEvent = Pick<SyncEvent, "id" | "status" | "reason" | "userId" | "contentHash">;

/**
 * A stored event as the answer to a push of the same id: the same event by the same author is a duplicate
 * (or stays rejected); another author's event or other content under that id is refused, never taken for
 * the stored one, or the phone would delete an event the server never applied.
 */
function resultOf(stored: StoredEvent, { item, contentHash }: Pushed, actor: SyncActor): EventResult {
  if (stored.userId !== actor.id)
    return { id: item.id, status: "rejected", reason: "This event id belongs to another user's event; not applied" };
  // Events stored before content was hashed have no hash: their author is all that can be compared.
  if (stored.contentHash !== null && stored.contentHash !== contentHash)
    return { id: item.id, status: "rejected", reason: "This event id belongs to a different event; not applied" };
  return stored.status === "applied"
    ? { id: stored.id, status: "duplicate" }
    : { id: stored.id, status: "rejected", reason: stored.reason ?? "Rejected" };
}

async function storedResults(tx: Tx, actor: SyncActor, pushed: Pushed[]): Promise<Map<string, EventResult>> {
  const ids = pushed.map(({ item }) => item.id);
  const stored = await tx.$queryRaw<StoredEvent[]>`
    SELECT id, status::text AS status, reason, user_id AS "userId", content_hash AS "contentHash"
    FROM sync_event WHERE id = ANY(${ids}::text[])`;
  const byId = new Map(stored.map((row) => [row.id, row]));
  return new Map(pushed.map((entry) => [entry.item.id, resultOf(byId.get(entry.item.id)!, entry, actor)]));
}

/** JSON with object keys sorted, so the same content hashes the same whatever order its keys came in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) => {
    if (typeof field === "bigint") return field.toString();
    if (field === null || typeof field !== "object" || Array.isArray(field) || field instanceof Date) return field;
    return Object.fromEntries(Object.entries(field).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** A SHA-256 of the event as the device sent it, everything but its id. */
function hashOf(item: PushedItem): string {
  const content: Record<string, unknown> = { ...item };
  delete content.id;
  return createHash("sha256").update(canonicalJson(content), "utf8").digest("hex");
}

/**
 * A rejected event's content as it came (minus its id), as JSON text any pushed value fits in. Characters
 * PostgreSQL's JSON cannot hold (NUL, half an emoji), in keys or values, are replaced, or the receipt of
 * a malformed event would fail the whole push.
 */
function contentOf(item: PushedItem): string {
  const content: Record<string, unknown> = { ...item };
  delete content.id;
  return JSON.stringify(content, (_key, value: unknown) => {
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "string") return toStorableText(value);
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, field]) => [toStorableText(key), field]));
    }
    return value;
  });
}

/** The time a malformed event claims, if it is a time at all and one the database can hold (years 1–9999). */
function claimedTime(value: unknown): Date | null {
  if (!(value instanceof Date) && typeof value !== "string" && typeof value !== "number") return null;
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) return null;
  const year = time.getUTCFullYear();
  return year >= 1 && year <= 9999 ? time : null;
}

type Receipt = Pick<SyncEvent, "id" | "type" | "occurredAt" | "status" | "reason" | "contentHash"> & {
  content: string | null;
};

/**
 * What the server remembers of every pushed event, besides what its push shares: applied for now, or
 * rejected for being malformed.
 */
function receiptOf({ item, parsed, contentHash }: Pushed): Receipt {
  // As the device claimed it: the rows it applies to hold the corrected time.
  const common = { id: item.id, occurredAt: claimedTime(item.occurredAt), contentHash };
  if (parsed.success) return { ...common, type: parsed.data.type, status: "applied", reason: null, content: null };
  return {
    ...common,
    type: typeof item.type === "string" ? toStorableText(item.type.slice(0, 100)) : "unknown",
    status: "rejected",
    reason: describeIssues(parsed.error),
    content: contentOf(item),
  };
}

/** Inserts the receipts whose ids are not taken yet and returns the ids that were taken already. */
async function claim(tx: Tx, push: Push, receipts: Receipt[]): Promise<Set<string>> {
  // In id order whatever order the batch came in: two pushes sharing events then queue on the first one
  // they share, where in their own orders each could hold an id the other waits for (a deadlock).
  const ordered = [...receipts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // The receipts as one JSON parameter (as writeLocations does), in id order by their ordinality; what the
  // whole push shares is sent once. Only the ids already taken come back: usually none.
  const taken = await tx.$queryRaw<{ id: string }[]>`
    WITH pushed AS (
      SELECT * FROM ROWS FROM (jsonb_to_recordset(${JSON.stringify(ordered)}::jsonb) AS (id text, type text,
        "occurredAt" timestamp(3), status "SyncEventStatus", reason text, content text, "contentHash" text))
        WITH ORDINALITY AS r
    ), claimed AS (
      INSERT INTO sync_event (id, type, device_id, user_id, occurred_at, received_at, device_time, status, reason,
        content, content_hash)
      SELECT r.id, r.type, ${push.deviceId}::text, ${push.actor.id}::text, r."occurredAt",
        ${push.receivedAt}::timestamp(3), ${push.deviceTime}::timestamp(3), r.status, r.reason, r.content::jsonb,
        r."contentHash"
      FROM pushed r
      ORDER BY r.ordinality
      ON CONFLICT (id) DO NOTHING
      RETURNING id
    )
    SELECT id FROM pushed WHERE id NOT IN (SELECT id FROM claimed)`;
  return new Set(taken.map((row) => row.id));
}

/**
 * Claims the batch's event ids, then applies the valid events it claimed, in one transaction. The claim
 * is an insert keyed by event id: a concurrent push of the same events waits on it and then finds the ids
 * taken, so each event applies at most once, and an event with its audit entry commit together or not at all.
 */
async function pushInTx(tx: Tx, push: Push, pushed: Pushed[]) {
  const takenIds = await claim(tx, push, pushed.map(receiptOf));
  const taken = pushed.filter(({ item }) => takenIds.has(item.id));
  const results = taken.length > 0 ? await storedResults(tx, push.actor, taken) : new Map<string, EventResult>();

  const mine = pushed.filter(({ item }) => !takenIds.has(item.id));
  const events = mine.flatMap(({ parsed }) => (parsed.success ? [parsed.data] : []));
  const rejections = new Map(
    (await applyClaimedInTx(tx, push.actor, push.deviceId, events)).map((rejection) => [
      rejection.id,
      rejection.reason,
    ]),
  );
  for (const { item, parsed } of mine) {
    const reason = parsed.success ? rejections.get(item.id) : describeIssues(parsed.error);
    if (parsed.success && reason) {
      await tx.syncEvent.update({
        where: { id: item.id },
        data: { status: "rejected", reason, content: JSON.parse(contentOf(item)) },
      });
    }
    results.set(item.id, reason ? { id: item.id, status: "rejected", reason } : { id: item.id, status: "applied" });
  }
  return results;
}

/**
 * An event checked as the server applies it: its time corrected for the device's clock (lib/sync/clock),
 * then the schema, then its signature decoded, which the schema alone cannot do.
 */
function parsePushed(
  item: PushedItem,
  skewMs: number,
  receivedAt: Date,
  signatureProblems: Map<string, string | null>,
): Pushed["parsed"] {
  const claimed = claimedTime(item.occurredAt);
  const parsed = syncEventSchema.safeParse(
    claimed ? { ...item, occurredAt: correctedTime(claimed, skewMs, receivedAt) } : item,
  );
  if (!parsed.success || parsed.data.type !== "custody.recorded" || !parsed.data.payload.signature) return parsed;
  const { signature } = parsed.data.payload;
  // A batch hand-off carries one signature for every cartridge in it: each image is decoded once.
  if (!signatureProblems.has(signature)) signatureProblems.set(signature, signatureProblem(signature));
  const problem = signatureProblems.get(signature);
  if (!problem) return parsed;
  return {
    success: false,
    error: new z.ZodError([{ code: "custom", path: ["payload", "signature"], message: problem, input: undefined }]),
  };
}

/**
 * Applies a device's events in the order given. Each is judged on its own: a malformed or refused event is
 * rejected with its reason while the others apply, and is never applied later. Events already seen answer
 * as before, without being applied again.
 */
export async function pushEvents(db: Db, actor: SyncPusher, input: PushInput): Promise<EventResult[]> {
  // A phone shared by several users keeps each one's events until that user signs in again: sent under
  // someone else's session they would be recorded as that person's.
  if (input.author !== undefined && input.author !== actor.id) {
    throw new DomainError(
      "UNAUTHORIZED",
      "These events were recorded by another user: they sync when that user signs in",
    );
  }
  const receivedAt = new Date();
  const push: Push = { actor, deviceId: input.deviceId, deviceTime: input.deviceTime ?? null, receivedAt };
  const skewMs = clockSkew(input.deviceTime, receivedAt);
  const pushed = new Map<string, Pushed>();
  const hashes = input.events.map(hashOf);
  const signatureProblems = new Map<string, string | null>();
  for (const [index, item] of input.events.entries()) {
    if (pushed.has(item.id)) continue;
    const parsed = parsePushed(item, skewMs, receivedAt, signatureProblems);
    pushed.set(item.id, { item, parsed, contentHash: hashes[index]! });
  }
  const apply = () => transaction(db, (tx) => pushInTx(tx, push, [...pushed.values()]), BATCH_TRANSACTION);
  const results = await apply().catch((error: unknown) => {
    // A cartridge the batch registers may be registered elsewhere after the batch looked for it, and the
    // insert then fails on the barcode; applied again, the batch finds that cartridge and rejects the event.
    if (isUniqueViolation(error)) return apply();
    throw error;
  });
  // The same id twice in one push: the second is a duplicate of the first if it is the same event.
  const answered = new Set<string>();
  return input.events.map(({ id }, index) => {
    const result = results.get(id)!;
    if (!answered.has(id)) {
      answered.add(id);
      return result;
    }
    if (hashes[index] !== pushed.get(id)!.contentHash)
      return { id, status: "rejected", reason: "This event id belongs to a different event; not applied" };
    return result.status === "applied" ? { id, status: "duplicate" } : result;
  });
}

const AUDITED_EVENT_FIELDS = ["type", "deviceId", "occurredAt", "receivedAt", "content", "reason"] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/**
 * A rejected event's content for its discard entry: as custody entries do, it says whether a signature was
 * there but leaves the image out (audit entries are read by every auditor and kept for good).
 */
function auditedContent(content: SyncEvent["content"]): SyncEvent["content"] {
  if (!isObject(content) || !isObject(content.payload) || !("signature" in content.payload)) return content;
  const { signature, ...payload } = content.payload;
  return { ...content, payload: { ...payload, signed: signature !== null && signature !== undefined } };
}

/**
 * The user sets a rejected event aside for good. Audited with the event's content and reason; discarding
 * twice (a retry after a lost answer) is not an error and writes one entry.
 */
export async function discardEvent(db: Db, actor: SyncActor, input: DiscardInput) {
  return transaction(db, async (tx) => {
    const event = await tx.syncEvent.findUnique({ where: { id: input.id } });
    if (!event) throw notFound("The event");
    if (event.userId !== actor.id)
      throw new DomainError("FORBIDDEN", "Only the person who recorded this event can discard it");
    if (event.status === "applied")
      throw new DomainError("CONFLICT", "This event was applied; there is nothing to discard");
    if (event.status === "discarded") return { id: event.id, status: event.status };
    // Conditional, so of two concurrent discards only one changes the row and writes the entry.
    const { count } = await tx.syncEvent.updateMany({
      where: { id: event.id, status: "rejected" },
      data: { status: "discarded" },
    });
    if (count === 1) {
      recordAudit(tx, {
        entityType: "sync_event",
        entityId: event.id,
        action: "discard",
        changes: {
          ...diffFields({ ...event, content: auditedContent(event.content) }, null, AUDITED_EVENT_FIELDS),
          status: { from: "rejected", to: "discarded" },
          ...(input.note ? { note: { from: null, to: input.note } } : {}),
        },
        actor,
      });
    }
    return { id: event.id, status: "discarded" as const };
  });
}
