import type { z } from "zod";
import { Prisma, type BackupTapeCartridge, type BackupTapeLocation } from "../../generated/prisma/client";
import { scratchProblem, type ScratchFacts } from "../../lib/destruction";
import { labelWithMedia, normaliseLabel, parseLtoLabel, parseNonStandardLabel, type LtoLabel } from "../../lib/lto";
import { NEXT_MOVE_FILTERS } from "../../lib/rotation";
import {
  COMPUTED_TAPE_SORTS,
  type correctBarcodeSchema,
  type registerAnyTapeSchema,
  type registerTapeSchema,
  type TapeListFilters,
  type updateTapeSchema,
} from "../../lib/tapes";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { removeFromSpans } from "../jobs/service";
import { catalogueCounts } from "./counts";
import { cursorCodec, listOrders } from "../pagination";
import { freshRotationParams } from "../rotation/service";
import { currentRotation, rotationPage } from "../rotation/entries";
import { addDays, utcDay, type RotationParams } from "../rotation/sql";
import { containsPattern, escapeLike } from "../db/like";
import { consistentRead, transaction } from "../db/transaction";
import { lockTape } from "./lock";

export const AUDITED_TAPE_FIELDS = [
  "barcode",
  "mediaId",
  "generation",
  "mediaType",
  "nativeCapacityBytes",
  "nonStandardLabel",
  "status",
  "tags",
  "notes",
] as const;

const EXPIRING_WINDOW_DAYS = 30;

/** Cartridges whose data expires in the window: their latest job expiry falls in it. */
async function countExpiringSoon(db: Db, now: Date) {
  const until = new Date(now.getTime() + EXPIRING_WINDOW_DAYS * 86_400_000);
  const [row] = await db.$queryRaw<[{ count: bigint }]>`
    SELECT count(*) AS count FROM backup_tape_rotation WHERE data_expires_at >= ${now} AND data_expires_at < ${until}`;
  return Number(row.count);
}

/**
 * What the overview counts: the kept counts (server/tapes/counts.ts) and an index range for the data
 * expiring soon, so it costs the same at any size of catalogue.
 */
export async function catalogueSummary(db: Db, now = new Date()) {
  const [counts, expiringSoon] = await Promise.all([catalogueCounts(db), countExpiringSoon(db, now)]);
  const located = Object.values(counts.byKind).reduce((sum, count) => sum + count, 0);
  const sites = await db.backupSite.findMany({
    where: { id: { in: [...counts.bySiteId.keys()].filter(Boolean) } },
    select: { id: true, name: true },
  });
  const nameOf = new Map(sites.map((site) => [site.id, site.name]));
  const bySite = [...counts.bySiteId]
    .map(([siteId, count]) => ({ siteId: siteId || null, name: nameOf.get(siteId) ?? null, count }))
    .sort((a, b) => b.count - a.count || (a.name ?? "\uffff").localeCompare(b.name ?? "\uffff"));
  return {
    tapes: counts.tapes,
    jobs: counts.jobs,
    byStatus: counts.byStatus as Partial<Record<string, number>>,
    byLocation: { ...counts.byKind, none: counts.tapes - located } as Partial<Record<string, number>> & {
      none: number;
    },
    bySite,
    expiringSoon,
    expiringWindowDays: EXPIRING_WINDOW_DAYS,
  };
}

function tapeWhere(filters: TapeListFilters): Prisma.BackupTapeCartridgeWhereInput {
  const where: Prisma.BackupTapeCartridgeWhereInput = {};
  if (filters.search) where.barcode = { contains: escapeLike(normaliseLabel(filters.search)) };
  if (filters.status) where.status = filters.status;
  else if (filters.inService) where.status = { not: "destroyed" };
  if (filters.generation) where.generation = filters.generation;
  if (filters.tag) where.tags = { has: filters.tag };
  if (filters.locationKind === "none") where.locations = { none: { isCurrent: true } };
  else if (filters.locationKind) where.locations = { some: { isCurrent: true, kind: filters.locationKind } };
  if (filters.siteId) where.AND = [{ locations: { some: { isCurrent: true, siteId: filters.siteId } } }];
  return where;
}

/**
 * Each cartridge's rotation (server/rotation/sql.ts): its data expiry (the latest expiry of its jobs, when
 * its data may be overwritten), its next move and whether that is overdue.
 */
async function rotationOf(db: Db, tapeIds: string[], params: RotationParams) {
  type Row = { tape_id: string; data_expires_at: Date | null; next_move: Date | null; overdue: boolean };
  if (tapeIds.length === 0) return new Map<string, Row>();
  const rows = await db.$queryRaw<Row[]>`
    SELECT r.tape_id, r.data_expires_at, r.next_move, r.overdue FROM ${currentRotation(params, { tapeIds })} r`;
  return new Map(rows.map((row) => [row.tape_id, row]));
}

/** The orders of the cartridges table read from a column. */
const tapeOrder = listOrders("tapes", { barcode: "text", createdAt: "date", updatedAt: "date" });

type ComputedSort = (typeof COMPUTED_TAPE_SORTS)[number];
const isComputed = (sort: TapeListFilters["sort"]): sort is ComputedSort =>
  (COMPUTED_TAPE_SORTS as readonly string[]).includes(sort);
const COMPUTED_COLUMN: Record<ComputedSort, Prisma.Sql> = {
  nextMove: Prisma.sql`r.next_move`,
  dataExpiry: Prisma.sql`r.data_expires_at`,
};
// Cartridges without the value come last in either direction: a sort key the cursor can carry stands in.
// Literals, so that the order by next move is the expression the entries are indexed on (migration
// 20261203150000_rotation_entries).
const WITHOUT_VALUE = {
  asc: Prisma.raw(`'9999-12-31 00:00:00'::timestamp(3)`),
  desc: Prisma.raw(`'0001-01-01 00:00:00'::timestamp(3)`),
};

/**
 * The page of ids for an order or filter computed from the rotation: the filters of `tapeWhere` said again
 * in SQL over the same columns, then the rotation's. Keyset paging on (value, id), like every list.
 */
async function computedPage(db: Db, filters: TapeListFilters, params: RotationParams) {
  const { sort, direction, limit } = filters;
  const column = isComputed(sort) ? COMPUTED_COLUMN[sort] : null;
  const codec = cursorCodec(`tapes:${sort}:${direction}`, column ? "date" : sort === "barcode" ? "text" : "date");
  const key = column
    ? Prisma.sql`coalesce(${column}, ${WITHOUT_VALUE[direction]})`
    : Prisma.sql`t.${Prisma.raw(sort === "barcode" ? "barcode" : sort === "createdAt" ? "created_at" : "updated_at")}`;
  const today = utcDay(params.now);
  const conditions = [
    filters.search && Prisma.sql`t.barcode LIKE ${containsPattern(normaliseLabel(filters.search))}`,
    filters.status && Prisma.sql`t.status = ${filters.status}::"TapeStatus"`,
    !filters.status && filters.inService && Prisma.sql`t.status <> 'destroyed'`,
    filters.generation && Prisma.sql`t.generation = ${filters.generation}`,
    filters.tag && Prisma.sql`t.tags @> ARRAY[${filters.tag}]::text[]`,
    filters.siteId &&
      Prisma.sql`EXISTS (SELECT 1 FROM backup_tape_location l
        WHERE l.tape_id = t.id AND l.is_current AND l.site_id = ${filters.siteId})`,
    filters.locationKind === "none" && Prisma.sql`r.location_kind IS NULL`,
    filters.locationKind &&
      filters.locationKind !== "none" &&
      Prisma.sql`r.location_kind = ${filters.locationKind}::"LocationKind"`,
    filters.nextMove === "overdue" && Prisma.sql`r.overdue`,
    filters.nextMove &&
      filters.nextMove !== "overdue" &&
      Prisma.sql`r.next_move <= ${addDays(today, NEXT_MOVE_FILTERS[filters.nextMove].days)}`,
    filters.dataExpiresWithin &&
      Prisma.sql`r.data_expires_at >= ${params.now}
        AND r.data_expires_at < ${addDays(params.now, filters.dataExpiresWithin)}`,
  ].filter((condition): condition is Prisma.Sql => !!condition);
  if (filters.cursor) {
    const after = codec.decode(filters.cursor) as { value: string | Date; id: string };
    conditions.push(
      direction === "asc"
        ? Prisma.sql`(${key}, t.id) > (${after.value}, ${after.id})`
        : Prisma.sql`(${key}, t.id) < (${after.value}, ${after.id})`,
    );
  }
  const order = Prisma.raw(direction === "asc" ? "ASC" : "DESC");
  const pageOf = (rotation: Prisma.Sql) => Prisma.sql`(
    SELECT t.id, ${key} AS sort_key
    FROM ${rotation} r JOIN backup_tape_cartridge t ON t.id = r.tape_id
    ${conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, " AND ")}` : Prisma.empty}
    ORDER BY sort_key ${order}, t.id ${order}
    LIMIT ${limit + 1})`;
  const rows = await db.$queryRaw<{ id: string; sort_key: string | Date }[]>`
    SELECT * FROM ${rotationPage(params, {}, pageOf, Prisma.sql`sort_key ${order}, id ${order}`, limit + 1)} page`;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    ids: page.map((row) => row.id),
    nextCursor:
      rows.length > limit && last ? codec.encode({ value: last.sort_key as string & Date, id: last.id }) : null,
  };
}

export async function listTapes(db: Db, filters: TapeListFilters) {
  const params = await freshRotationParams(db);
  let page: { items: (BackupTapeCartridge & { locations: BackupTapeLocation[] })[]; nextCursor: string | null };
  const { sort } = filters;
  if (isComputed(sort) || filters.nextMove !== undefined || filters.dataExpiresWithin !== undefined) {
    const { ids, nextCursor } = await computedPage(db, filters, params);
    const rows = await db.backupTapeCartridge.findMany({
      where: { id: { in: ids } },
      include: { locations: { where: { isCurrent: true }, take: 1 } },
    });
    const byId = new Map(rows.map((row) => [row.id, row]));
    // A cartridge deleted between the two statements is left out rather than shown half.
    page = { items: ids.flatMap((id) => byId.get(id) ?? []), nextCursor };
  } else {
    const order = tapeOrder(sort, filters.direction);
    const rows = await db.backupTapeCartridge.findMany({
      where: { AND: [tapeWhere(filters), ...order.after(filters.cursor)] },
      orderBy: order.orderBy,
      take: filters.limit + 1,
      include: { locations: { where: { isCurrent: true }, take: 1 } },
    });
    page = order.page(rows, filters.limit);
  }
  const rotation = await rotationOf(
    db,
    page.items.map((tape) => tape.id),
    params,
  );
  return {
    nextCursor: page.nextCursor,
    items: page.items.map(({ locations, ...tape }) => {
      const state = rotation.get(tape.id);
      return {
        ...tape,
        currentLocation: locations[0] ?? null,
        expiresAt: state?.data_expires_at ?? null,
        nextMove: state?.next_move ?? null,
        overdue: state?.overdue ?? false,
      };
    }),
  };
}

/** Every cartridge matching the filters, page by page, for exports of any size. */
export async function* allTapes(db: Db, filters: Omit<TapeListFilters, "cursor" | "limit">) {
  let cursor: string | undefined;
  do {
    const page = await listTapes(db, { ...filters, cursor, limit: 200 });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

export function searchTapes(db: Db, query: string, limit: number) {
  const text = normaliseLabel(query);
  return db.backupTapeCartridge.findMany({
    where: { barcode: { startsWith: text } },
    orderBy: { barcode: "asc" },
    take: limit,
    select: { id: true, barcode: true, status: true, generation: true, mediaType: true },
  });
}

/**
 * The scan and desk-scanner lookup, the app's most frequent call. Written as SQL because Prisma builds a
 * model query for every call, which here cost 0.8 ms of CPU against 0.3 ms for the same statement raw
 * (docs/PERFORMANCE.md, "API load").
 */
export async function findTapeByBarcode(db: Db, barcode: string) {
  const [tape] = await db.$queryRaw<Pick<BackupTapeCartridge, "id" | "barcode" | "status">[]>`
    SELECT id, barcode, status FROM backup_tape_cartridge WHERE barcode = ${normaliseLabel(barcode)}`;
  return tape ?? null;
}

export async function getTape(db: Db, id: string) {
  const tape = await consistentRead(db, (tx) =>
    tx.backupTapeCartridge.findUnique({
      where: { id },
      include: {
        locations: { orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }] },
        custodyEvents: { orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }] },
        jobs: {
          include: {
            job: {
              select: {
                id: true,
                name: true,
                jobDate: true,
                expiresAt: true,
                externalSystem: true,
                externalId: true,
                _count: { select: { tapes: true } },
              },
            },
          },
          orderBy: { job: { jobDate: "desc" } },
        },
      },
    }),
  );
  if (!tape) throw notFound("The cartridge");
  const expiresAt = tape.jobs.reduce<Date | null>(
    (latest, link) => (!latest || link.job.expiresAt > latest ? link.job.expiresAt : latest),
    null,
  );
  return {
    ...tape,
    currentLocation: tape.locations.find((location) => location.isCurrent) ?? null,
    expiresAt,
  };
}

/** A registration from the form (either kind of label) or from the field, where labels are always standard. */
export type RegisterTapeData = z.output<typeof registerAnyTapeSchema> | z.output<typeof registerTapeSchema>;

export const barcodeTaken = (barcode: string) =>
  new DomainError("CONFLICT", `A cartridge with barcode ${barcode} is already registered`, "barcode");

/** A taken barcode surfaces as a unique violation that aborts the transaction: callers map it with `barcodeTaken`. */
export async function registerTapeInTx(tx: Tx, actor: Actor, input: RegisterTapeData) {
  const { barcode: label } = input;
  const tape = await tx.backupTapeCartridge.create({
    data: {
      barcode: label.barcode,
      mediaId: label.mediaId,
      generation: label.generation,
      mediaType: label.mediaType,
      nativeCapacityBytes: input.nativeCapacityBytes ?? label.nativeCapacityBytes,
      nonStandardLabel: input.nonStandard ?? false,
      status: input.status,
      tags: input.tags,
      notes: input.notes || null,
    },
  });
  recordAudit(tx, {
    entityType: "tape",
    entityId: tape.id,
    action: "create",
    changes: diffFields(null, tape, AUDITED_TAPE_FIELDS),
    actor,
  });
  return tape;
}

export async function registerTape(db: Db, actor: Actor, input: RegisterTapeData) {
  try {
    return await transaction(db, (tx) => registerTapeInTx(tx, actor, input));
  } catch (error) {
    if (isUniqueViolation(error)) throw barcodeTaken(input.barcode.barcode);
    throw error;
  }
}

export async function updateTape(db: Db, actor: Actor, id: string, input: z.output<typeof updateTapeSchema>) {
  return transaction(db, async (tx) => {
    const before = await tx.backupTapeCartridge.findUnique({ where: { id } });
    if (!before) throw notFound("The cartridge");
    if (before.status === "destroyed" && input.status !== undefined)
      throw new DomainError("CONFLICT", `${before.barcode} is destroyed: its status cannot change`, "status");
    const after = await tx.backupTapeCartridge.update({
      where: { id },
      data: {
        status: input.status,
        tags: input.tags,
        notes: input.notes || null,
        ...(input.nativeCapacityBytes !== undefined && { nativeCapacityBytes: input.nativeCapacityBytes }),
      },
    });
    const changes = diffFields(before, after, AUDITED_TAPE_FIELDS);
    if (Object.keys(changes).length > 0) {
      recordAudit(tx, { entityType: "tape", entityId: id, action: "update", changes, actor });
    }
    return after;
  });
}

/**
 * The fields a corrected barcode changes. A valid LTO label says what the cartridge is, so its media come
 * with it (and a non-standard cartridge whose real label is a standard one becomes standard); a
 * non-standard cartridge keeps the generation chosen for it. Capacity follows the media when they change.
 */
function correctedLabel(tape: BackupTapeCartridge, typed: string) {
  const fields = (label: LtoLabel, nonStandardLabel: boolean) => ({
    barcode: label.barcode,
    mediaId: label.mediaId,
    generation: label.generation,
    mediaType: label.mediaType,
    nonStandardLabel,
    ...(label.mediaId !== tape.mediaId && { nativeCapacityBytes: label.nativeCapacityBytes }),
  });
  const standard = parseLtoLabel(typed);
  if (standard.ok) return fields(standard.label, false);
  if (!tape.nonStandardLabel) throw new DomainError("BAD_REQUEST", standard.error, "barcode");
  const other = parseNonStandardLabel(typed);
  if (!other.ok) throw new DomainError("BAD_REQUEST", other.error, "barcode");
  // The cartridge's media identifier is one it was registered with, so the table has it.
  return fields(labelWithMedia(other.barcode, tape.mediaId)!, true);
}

/** An administrator corrects a mistyped barcode in place: the cartridge keeps its history, the audit says before → after. */
export async function correctBarcode(db: Db, actor: Actor, input: z.output<typeof correctBarcodeSchema>) {
  try {
    return await transaction(db, async (tx) => {
      const before = await tx.backupTapeCartridge.findUnique({ where: { id: input.id } });
      if (!before) throw notFound("The cartridge");
      const data = correctedLabel(before, input.barcode);
      if (data.barcode === before.barcode) {
        throw new DomainError("BAD_REQUEST", `The barcode is already ${before.barcode}: nothing to correct`, "barcode");
      }
      const after = await tx.backupTapeCartridge.update({ where: { id: input.id }, data });
      recordAudit(tx, {
        entityType: "tape",
        entityId: input.id,
        action: "correct_barcode",
        changes: diffFields(before, after, AUDITED_TAPE_FIELDS),
        actor,
      });
      return after;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw barcodeTaken(normaliseLabel(input.barcode));
    throw error;
  }
}

/** What a delete of this cartridge would remove with it, for the confirmation dialog. */
export async function tapeDeletePreview(db: Db, id: string) {
  const tape = await db.backupTapeCartridge.findUnique({
    where: { id },
    select: { barcode: true, _count: { select: { locations: true, custodyEvents: true, jobs: true } } },
  });
  if (!tape) throw notFound("The cartridge");
  return {
    barcode: tape.barcode,
    locations: tape._count.locations,
    custodyEvents: tape._count.custodyEvents,
    jobLinks: tape._count.jobs,
  };
}

/**
 * Removes the cartridge with its locations and custody events (database cascade) and takes it out of the
 * jobs it was written by, whose spans close up; the audit entries stay.
 */
export async function deleteTape(db: Db, actor: Actor, id: string) {
  return transaction(db, async (tx) => {
    const tape = await tx.backupTapeCartridge.findUnique({
      where: { id },
      include: { _count: { select: { locations: true, custodyEvents: true, jobs: true } } },
    });
    if (!tape) throw notFound("The cartridge");
    if (tape.status === "destroyed")
      throw new DomainError("CONFLICT", `${tape.barcode} is destroyed: it stays in the catalogue as evidence`);
    const jobLinks = await removeFromSpans(tx, actor, id);
    await tx.backupTapeCartridge.delete({ where: { id } });
    const removed = { locations: tape._count.locations, custodyEvents: tape._count.custodyEvents, jobLinks };
    recordAudit(tx, {
      entityType: "tape",
      entityId: id,
      action: "delete",
      changes: { ...diffFields(tape, null, AUDITED_TAPE_FIELDS), removed: { from: removed, to: null } },
      actor,
    });
    return { barcode: tape.barcode, ...removed };
  });
}

/**
 * Makes a cartridge whose data has all expired empty again, for reuse: its past jobs stay in its history.
 * Only once it is back (not off site nor in transit) and not destroyed (lib/destruction.ts, `scratchProblem`).
 */
export async function returnToScratch(db: Db, actor: Actor, id: string, now = new Date()) {
  return transaction(db, async (tx) => {
    await lockTape(tx, id);
    const [tape] = await tx.$queryRaw<(ScratchFacts & { id: string })[]>`
      SELECT t.id, t.barcode, t.status::text AS status, l.kind::text AS "locationKind",
        (SELECT max(j.expires_at) FROM backup_job_tape jt JOIN backup_job j ON j.id = jt.job_id
          WHERE jt.tape_id = t.id) AS "dataExpiresAt"
      FROM backup_tape_cartridge t LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
      WHERE t.id = ${id}`;
    const problem = scratchProblem(tape!, now);
    if (problem) throw new DomainError("CONFLICT", problem);
    const after = await tx.backupTapeCartridge.update({ where: { id }, data: { status: "empty" } });
    recordAudit(tx, {
      entityType: "tape",
      entityId: id,
      action: "return_to_scratch",
      changes: { status: { from: tape!.status, to: after.status } },
      actor,
    });
    return after;
  });
}
