import type { z } from "zod";
import { Prisma, type SyncEvent } from "../../generated/prisma/client";
import {
  describeIssues,
  syncEventSchema,
  type DiscardInput,
  type EventResult,
  type PushInput,
} from "../../lib/sync/events";
import { toStorableText } from "../../lib/text";
import type { SyncActor } from "../../lib/users";
import { diffFields, recordAudit } from "../audit/service";
import type { Db, Tx } from "../db";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { applyClaimedInTx } from "./apply";
import { transaction } from "../db/transaction";

type PushedItem = PushInput["events"][number];
type Pushed = { item: PushedItem; parsed: z.ZodSafeParseResult<z.output<typeof syncEventSchema>> };

/**
 * A batch waits behind other phones' batches (on PGlite, one transaction at a time) and may take seconds on
 * a busy server; Prisma's defaults (2 s to start, 5 s to finish) would fail it for nothing.
 */
const BATCH_TRANSACTION = { maxWait: 30_000, timeout: 60_000 };

/** A stored event as the answer to a push: anything already known is a duplicate, or stays rejected. */
function resultOf(stored: Pick<SyncEvent, "id" | "status" | "reason">): EventResult {
  return stored.status === "applied"
    ? { id: stored.id, status: "duplicate" }
    : { id: stored.id, status: "rejected", reason: stored.reason ?? "Rejected" };
}

async function storedResults(tx: Tx, ids: string[]): Promise<Map<string, EventResult>> {
  const stored = await tx.$queryRaw<Pick<SyncEvent, "id" | "status" | "reason">[]>`
    SELECT id, status::text AS status, reason FROM sync_event WHERE id = ANY(${ids}::text[])`;
  return new Map(stored.map((row) => [row.id, resultOf(row)]));
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

type Receipt = Pick<
  SyncEvent,
  "id" | "type" | "deviceId" | "userId" | "occurredAt" | "receivedAt" | "status" | "reason"
> & { content: string | null };

/** What the server remembers of every pushed event: applied for now, or rejected for being malformed. */
function receiptOf({ item, parsed }: Pushed, deviceId: string, actor: SyncActor, receivedAt: Date): Receipt {
  const common = { id: item.id, deviceId, userId: actor.id, receivedAt };
  if (parsed.success)
    return {
      ...common,
      type: parsed.data.type,
      occurredAt: parsed.data.occurredAt,
      status: "applied",
      reason: null,
      content: null,
    };
  return {
    ...common,
    type: typeof item.type === "string" ? toStorableText(item.type.slice(0, 100)) : "unknown",
    occurredAt: claimedTime(item.occurredAt),
    status: "rejected",
    reason: describeIssues(parsed.error),
    content: contentOf(item),
  };
}

/** Inserts the receipts whose ids are not taken yet and returns the ids it inserted. */
async function claim(tx: Tx, receipts: Receipt[]): Promise<Set<string>> {
  // In id order whatever order the batch came in: two pushes sharing events then queue on the first one
  // they share, where in their own orders each could hold an id the other waits for (a deadlock).
  const ordered = [...receipts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO sync_event (id, type, device_id, user_id, occurred_at, received_at, status, reason, content)
    VALUES ${Prisma.join(
      ordered.map(
        (
          receipt,
        ) => Prisma.sql`(${receipt.id}, ${receipt.type}, ${receipt.deviceId}, ${receipt.userId}, ${receipt.occurredAt},
          ${receipt.receivedAt}, ${receipt.status}::"SyncEventStatus", ${receipt.reason}, ${receipt.content}::jsonb)`,
      ),
    )}
    ON CONFLICT (id) DO NOTHING
    RETURNING id`;
  return new Set(rows.map((row) => row.id));
}

/**
 * Claims the batch's event ids, then applies the valid events it claimed, in one transaction. The claim
 * is an insert keyed by event id: a concurrent push of the same events waits on it and then finds the ids
 * taken, so each event applies at most once, and an event with its audit entry commit together or not at all.
 */
async function pushInTx(tx: Tx, actor: SyncActor, deviceId: string, pushed: Pushed[], receivedAt: Date) {
  const claimed = await claim(
    tx,
    pushed.map((entry) => receiptOf(entry, deviceId, actor, receivedAt)),
  );
  const taken = pushed.filter(({ item }) => !claimed.has(item.id)).map(({ item }) => item.id);
  const results = taken.length > 0 ? await storedResults(tx, taken) : new Map<string, EventResult>();

  const mine = pushed.filter(({ item }) => claimed.has(item.id));
  const events = mine.flatMap(({ parsed }) => (parsed.success ? [parsed.data] : []));
  const rejections = new Map(
    (await applyClaimedInTx(tx, actor, deviceId, events)).map((rejection) => [rejection.id, rejection.reason]),
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
 * Applies a device's events in the order given. Each is judged on its own: a malformed or refused event is
 * rejected with its reason while the others apply, and is never applied later. Events already seen answer
 * as before, without being applied again.
 */
export async function pushEvents(db: Db, actor: SyncActor, input: PushInput): Promise<EventResult[]> {
  const receivedAt = new Date();
  const pushed = new Map<string, Pushed>();
  for (const item of input.events) {
    if (!pushed.has(item.id)) pushed.set(item.id, { item, parsed: syncEventSchema.safeParse(item) });
  }
  const apply = () =>
    transaction(db, (tx) => pushInTx(tx, actor, input.deviceId, [...pushed.values()], receivedAt), BATCH_TRANSACTION);
  const results = await apply().catch((error: unknown) => {
    // A cartridge the batch registers may be registered elsewhere after the batch looked for it, and the
    // insert then fails on the barcode; applied again, the batch finds that cartridge and rejects the event.
    if (isUniqueViolation(error)) return apply();
    throw error;
  });
  // The same id twice in one push: the second is a duplicate of the first.
  const answered = new Set<string>();
  return input.events.map(({ id }) => {
    const result = results.get(id)!;
    const repeat = answered.has(id) && result.status === "applied";
    answered.add(id);
    return repeat ? { id, status: "duplicate" } : result;
  });
}

const AUDITED_EVENT_FIELDS = ["type", "deviceId", "occurredAt", "receivedAt", "content", "reason"] as const;

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
      await recordAudit(tx, {
        entityType: "sync_event",
        entityId: event.id,
        action: "discard",
        changes: {
          ...diffFields(event, null, AUDITED_EVENT_FIELDS),
          status: { from: "rejected", to: "discarded" },
          ...(input.note ? { note: { from: null, to: input.note } } : {}),
        },
        actor,
      });
    }
    return { id: event.id, status: "discarded" as const };
  });
}
