import { Prisma, type BackupAuditLog } from "../../generated/prisma/client";
import type { AuditAction, AuditChanges, AuditEntityType } from "../../lib/audit";
import type { Db, Tx } from "../db";
import { listOrders } from "../pagination";

export type Actor = { id: string | null; name: string };
export type FieldChange = { from: Prisma.InputJsonValue | null; to: Prisma.InputJsonValue | null };
export type Changes = Record<string, FieldChange>;

type Snapshot = Record<string, unknown>;

function toJsonValue(value: unknown): Prisma.InputJsonValue | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item)) as Prisma.InputJsonValue;
  return value as Prisma.InputJsonValue;
}

/**
 * Whether two values print the same JSON. A string's or a boolean's JSON is unlike any other value's, so
 * those compare as they are; the rest (numbers, arrays, null) are printed. A sync batch diffs thousands.
 */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "string" || typeof b === "string" || typeof a === "boolean" || typeof b === "boolean") return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The fields that differ between two snapshots of an entity, as { field: { from, to } }. A create is a
 * diff from nothing, a delete a diff to nothing, so every audit entry has the same shape.
 */
export function diffFields(before: Snapshot | null, after: Snapshot | null, fields: readonly string[]): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const from = toJsonValue(before?.[field]);
    const to = toJsonValue(after?.[field]);
    if (!sameJson(from, to)) changes[field] = { from, to };
  }
  return changes;
}

export type AuditEntry = {
  entityType: AuditEntityType;
  entityId: string;
  action: AuditAction;
  changes: Changes;
  actor: Actor;
};

/**
 * An entry waiting in its transaction for the seal, stamped with when it was recorded. Besides the entities'
 * entries, the chain records its own keying (entity `audit_chain`), which no one records through `recordAudit`.
 */
export type PendingAuditEntry = Omit<AuditEntry, "entityType"> & {
  entityType: AuditEntityType | "audit_chain";
  at: Date;
};

const pendingEntries = new WeakMap<Tx, PendingAuditEntry[]>();

/**
 * Opens the list of entries `tx` records; `transaction` (../db/transaction) calls it and seals what the
 * list holds when the work is done.
 */
export function openAuditEntries(tx: Tx): PendingAuditEntry[] {
  const entries: PendingAuditEntry[] = [];
  pendingEntries.set(tx, entries);
  return entries;
}

/**
 * The one way audit entries are written, for one change or a whole synced batch. They are kept until the
 * transaction's work is done and then written, numbered and hashed into the chain together, in the order
 * recorded (../audit/chain): a batch's entries cost one insert, not one per writer. Only a transaction
 * opened by `transaction` takes entries, so a change and its entries commit together or not at all.
 */
export function recordAudit(tx: Tx, ...entries: AuditEntry[]): void {
  const pending = pendingEntries.get(tx);
  if (!pending) throw new Error("Audit entries are recorded only in a transaction opened by transaction()");
  const at = new Date();
  for (const entry of entries) pending.push({ ...entry, at });
}

export type AuditItem = { id: string; action: AuditAction; changes: AuditChanges; actor: Actor; at: Date };
export type AuditPage = { items: AuditItem[]; nextCursor: string | null };

export type AuditQuery = {
  entityType: AuditEntityType;
  entityId: string;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
  limit: number;
};

/**
 * An entity's history, newest first: ids only grow, so every page is one range of the (entity_type,
 * entity_id, id) index however long the history is, and entries written while someone pages do not
 * shift what the next page holds.
 */
const newestFirst = listOrders("audit", { id: "serial" })("id", "desc");

/** An entry as readers see it. */
export function auditItemOf(row: BackupAuditLog): AuditItem {
  return {
    id: row.id.toString(),
    // Only the app writes these columns, always with an action of the add-only union and in this shape.
    action: row.action as AuditAction,
    changes: row.changes as AuditChanges,
    actor: { id: row.actorId, name: row.actorName },
    at: row.createdAt,
  };
}

/** One page of an entity's history, continuing after `cursor`. */
export async function listAudit(db: Db, { entityType, entityId, cursor, limit }: AuditQuery): Promise<AuditPage> {
  const rows = await db.backupAuditLog.findMany({
    where: { AND: [{ entityType, entityId }, ...newestFirst.after(cursor)] },
    orderBy: newestFirst.orderBy,
    take: limit + 1,
  });
  const page = newestFirst.page(rows, limit);
  return {
    items: page.items.map(auditItemOf),
    nextCursor: page.nextCursor,
  };
}
