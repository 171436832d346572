import type { Prisma } from "../../generated/prisma/client";
import type { AuditAction, AuditChanges, AuditEntityType } from "../../lib/audit";
import type { AuditLogFilters, AuditLogQuery, EventLogQuery } from "../../lib/audit-log";
import type { Db } from "../db";
import { listOrders } from "../pagination";
import type { AuditItem } from "./service";

function auditLogWhere({ entityType, action, actor, from, to }: AuditLogFilters): Prisma.BackupAuditLogWhereInput {
  return {
    ...(entityType && { entityType }),
    ...(action && { action }),
    ...(actor && { actorName: { contains: actor, mode: "insensitive" } }),
    ...((from || to) && { createdAt: { ...(from && { gte: from }), ...(to && { lt: to }) } }),
  };
}

// Ids only grow, so newest first is descending id and a page is one index range.
const newestFirst = listOrders("audit-log", { id: "serial" })("id", "desc");
const byOccurrence = (list: string) => listOrders(list, { occurredAt: "date" })("occurredAt", "asc");
const locationsInOrder = byOccurrence("location-log");
const custodyInOrder = byOccurrence("custody-log");

export type AuditLogItem = AuditItem & { entityType: AuditEntityType; entityId: string; subject: string | null };

const recorded = (changes: AuditChanges, field: string) => {
  const value = changes[field]?.to ?? changes[field]?.from;
  return typeof value === "string" ? value : null;
};

/**
 * What each entry is about, as people name it: a cartridge's barcode, a job's or a user's name as they are
 * now, or as the entry recorded it when the thing is gone (a deletion records its fields, an event its barcode).
 */
async function subjectsOf(db: Db, rows: { entityType: string; entityId: string }[]) {
  const idsOf = (type: AuditEntityType) => [
    ...new Set(rows.filter((row) => row.entityType === type).map((row) => row.entityId)),
  ];
  const [tapes, jobs, users, sites] = await Promise.all([
    db.backupTapeCartridge.findMany({ where: { id: { in: idsOf("tape") } }, select: { id: true, barcode: true } }),
    db.backupJob.findMany({ where: { id: { in: idsOf("job") } }, select: { id: true, name: true } }),
    db.user.findMany({ where: { id: { in: idsOf("user") } }, select: { id: true, name: true } }),
    db.backupSite.findMany({ where: { id: { in: idsOf("site") } }, select: { id: true, name: true } }),
  ]);
  return new Map<string, string>([
    ...tapes.map((tape) => [tape.id, tape.barcode] as const),
    ...jobs.map((job) => [job.id, job.name] as const),
    ...users.map((user) => [user.id, user.name] as const),
    ...sites.map((site) => [site.id, site.name] as const),
  ]);
}

/** One page of the whole audit log, newest first, narrowed by the filters. */
export async function listAuditLog(db: Db, { cursor, limit, ...filters }: AuditLogQuery) {
  const rows = await db.backupAuditLog.findMany({
    where: { AND: [auditLogWhere(filters), ...newestFirst.after(cursor)] },
    orderBy: newestFirst.orderBy,
    // One row more than asked tells whether an older page exists without a second query.
    take: limit + 1,
  });
  const page = newestFirst.page(rows, limit);
  const subjects = await subjectsOf(db, page.items);
  const items: AuditLogItem[] = page.items.map((row) => {
    // Only recordAudit and its set-based twin write this column, always in this shape.
    const changes = row.changes as AuditChanges;
    return {
      id: row.id.toString(),
      entityType: row.entityType as AuditEntityType,
      entityId: row.entityId,
      subject: subjects.get(row.entityId) ?? recorded(changes, "barcode") ?? recorded(changes, "name"),
      action: row.action as AuditAction,
      changes,
      actor: { id: row.actorId, name: row.actorName },
      at: row.createdAt,
    };
  });
  return { items, nextCursor: page.nextCursor };
}

/** Location entries in the order they happened, of one cartridge or of all, a page at a time. */
export async function listLocationLog(db: Db, { tapeId, cursor, limit }: EventLogQuery) {
  const rows = await db.backupTapeLocation.findMany({
    where: { AND: [tapeId ? { tapeId } : {}, ...locationsInOrder.after(cursor)] },
    orderBy: locationsInOrder.orderBy,
    include: { tape: { select: { barcode: true } } },
    take: limit + 1,
  });
  return locationsInOrder.page(rows, limit);
}

/** Hand-offs in the order they happened, a page at a time; whether each was signed, without the images. */
export async function listCustodyLog(db: Db, { tapeId, cursor, limit }: EventLogQuery) {
  const rows = await db.backupTapeCustody.findMany({
    where: { AND: [tapeId ? { tapeId } : {}, ...custodyInOrder.after(cursor)] },
    orderBy: custodyInOrder.orderBy,
    include: { tape: { select: { barcode: true } } },
    omit: { signature: true },
    take: limit + 1,
  });
  const page = custodyInOrder.page(rows, limit);
  const signed = await db.backupTapeCustody.findMany({
    where: { id: { in: page.items.map((event) => event.id) }, signature: { not: null } },
    select: { id: true },
  });
  const signedIds = new Set(signed.map((event) => event.id));
  return { ...page, items: page.items.map((event) => ({ ...event, signed: signedIds.has(event.id) })) };
}
