import type { Prisma } from "../../generated/prisma/client";
import type { Tx } from "../db";

export type Actor = { id: string | null; name: string };
export type AuditEntityType = "tape" | "job" | "location" | "custody" | "user";
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
  action: string;
  changes: Changes;
  actor: Actor;
};

/** Must be called with the transaction that makes the change, so the change and its entry commit together. */
export async function recordAudit(tx: Tx, entry: AuditEntry) {
  await tx.backupAuditLog.create({
    data: {
      entityType: entry.entityType,
      entityId: entry.entityId,
      action: entry.action,
      changes: entry.changes,
      actorId: entry.actor.id,
      actorName: entry.actor.name,
    },
  });
}
