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
 * The fields that differ between two snapshots of an entity, as { field: { from, to } }. A create is a
 * diff from nothing, a delete a diff to nothing, so every audit entry has the same shape.
 */
export function diffFields(before: Snapshot | null, after: Snapshot | null, fields: readonly string[]): Changes {
  const changes: Changes = {};
  for (const field of fields) {
    const from = toJsonValue(before?.[field]);
    const to = toJsonValue(after?.[field]);
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
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
 * The one writer of audit rows: every entry, one change's or a whole synced batch's, in one statement.
 * Must be called with the transaction that makes the change, so the change and its entries commit together.
 * The entries are written in the order given, which is the order the chain seals them in.
 */
export async function recordAudit(tx: Tx, ...entries: AuditEntry[]) {
  if (entries.length === 0) return;
  const at = new Date();
  // One JSON parameter rather than seven per entry: binding thousands of parameters costs more than the insert.
  const rows = entries.map((entry) => [
    entry.entityType,
    entry.entityId,
    entry.action,
    entry.changes,
    entry.actor.id,
    entry.actor.name,
  ]);
  await tx.$executeRaw`
    INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_id, actor_name, created_at)
    SELECT e.row->>0, e.row->>1, e.row->>2, e.row->3, e.row->>4, e.row->>5, ${at}
    FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS e(row, n)
    ORDER BY e.n`;
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
