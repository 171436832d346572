import { Prisma } from "../../generated/prisma/client";
import type {
  CatalogueEntry,
  CatalogueLocation,
  CataloguePage,
  CatalogueQuery,
  CatalogueTape,
} from "../../lib/sync/catalogue";
import type { Db } from "../db";
import { cursorCodec } from "../pagination";
import { fieldAudits } from "../audits/service";
import { fieldConsignments } from "../consignments/service";
import { siteOptions } from "../sites/service";

/**
 * How long a change may take to become visible. A change time is stamped before its transaction commits
 * (and by the clock of whichever app server made it), so a change can appear behind a cursor already
 * handed out. The cursor therefore never moves past changes younger than this; younger ones are sent
 * anyway, and again on the next pull, which clients apply idempotently.
 */
export const CATALOGUE_SETTLE_MS = 30_000;

type Row = {
  id: string;
  barcode: string;
  status: string | null;
  location_kind: string | null;
  location_site: string | null;
  location_occurred_at: Date | null;
  changed_at: Date;
  deleted: boolean;
};

function entryOf(row: Row): CatalogueEntry {
  if (row.deleted) return { deleted: true, id: row.id, barcode: row.barcode, changedAt: row.changed_at };
  return {
    deleted: false,
    id: row.id,
    barcode: row.barcode,
    status: row.status as CatalogueTape["status"],
    location:
      row.location_kind && row.location_occurred_at
        ? {
            kind: row.location_kind as CatalogueLocation["kind"],
            site: row.location_site,
            occurredAt: row.location_occurred_at,
          }
        : null,
    changedAt: row.changed_at,
  };
}

/** Changes, once a phone has the whole catalogue: by change time then id (written as SQL below). */
const changesCursor = cursorCodec("catalogue:changedAt:asc", "date");
/**
 * A first pull: every cartridge by id. Its cursor holds the id reached and when the pull began, from which
 * (less the settle window) the changes made meanwhile are pulled once it is done.
 */
const firstPullCursor = cursorCodec("catalogue:id:asc", "date");

const entryColumns = (changedAt: Prisma.Sql) =>
  Prisma.sql`SELECT t.id, t.barcode, t.status::text AS status, l.kind::text AS location_kind,
    l.site AS location_site, l.occurred_at AS location_occurred_at, ${changedAt} AS changed_at, false AS deleted`;

/**
 * Every cartridge after id `afterId`, in id order, with where it is now. The page is cut before the join, so
 * each of its cartridges is one index lookup, however deep into the catalogue the page is.
 */
function everyTape(db: Db, afterId: string, limit: number) {
  return db.$queryRaw<Row[]>`
    ${entryColumns(Prisma.sql`greatest(t.updated_at, l.recorded_at)`)}
    FROM (SELECT * FROM backup_tape_cartridge WHERE id > ${afterId} ORDER BY id LIMIT ${limit}) t
    LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
    ORDER BY t.id`;
}

/**
 * What changed after `after`, in (change time, id) order: cartridges edited (by updatedAt), cartridges whose
 * current location was recorded since (by its recordedAt; a move touches no cartridge row), and cartridges
 * deleted (tombstones). Each comes from an index in change order. A cartridge both edited and then moved
 * since the cursor is sent twice, at each time; clients apply entries idempotently.
 */
function changedTapes(db: Db, after: { value: Date; id: string }, limit: number) {
  const since = (at: Prisma.Sql, id: Prisma.Sql) =>
    Prisma.sql`${at} >= ${after.value} AND (${at} > ${after.value} OR ${id} > ${after.id})`;
  return db.$queryRaw<Row[]>`
    SELECT * FROM (
      (${entryColumns(Prisma.sql`t.updated_at`)}
       FROM backup_tape_cartridge t
       LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
       WHERE ${since(Prisma.sql`t.updated_at`, Prisma.sql`t.id`)}
       ORDER BY t.updated_at, t.id LIMIT ${limit})
      UNION ALL
      (${entryColumns(Prisma.sql`l.recorded_at`)}
       FROM backup_tape_location l
       JOIN backup_tape_cartridge t ON t.id = l.tape_id
       WHERE l.is_current AND l.recorded_at > t.updated_at AND ${since(Prisma.sql`l.recorded_at`, Prisma.sql`l.tape_id`)}
       ORDER BY l.recorded_at, l.tape_id LIMIT ${limit})
      UNION ALL
      (SELECT d.tape_id, d.barcode, NULL::text, NULL::text, NULL::text, NULL::timestamp(3), d.deleted_at, true
       FROM backup_tape_tombstone d
       WHERE ${since(Prisma.sql`d.deleted_at`, Prisma.sql`d.tape_id`)}
       ORDER BY d.deleted_at, d.tape_id LIMIT ${limit})
    ) page
    ORDER BY changed_at, id
    LIMIT ${limit}`;
}

/** A page of the catalogue, its cursor and whether to pull again now. */
async function cataloguePage(db: Db, cursor: string | null | undefined, limit: number, now: Date) {
  if (!cursor || firstPullCursor.owns(cursor)) {
    // A first pull skips tombstones: a client with nothing cached has nothing to delete.
    const { value: began, id } = cursor ? firstPullCursor.decode(cursor) : { value: now, id: "" };
    const rows = await everyTape(db, id, limit);
    const done = rows.length < limit;
    return {
      rows,
      cursor: done
        ? changesCursor.encode({ value: new Date(began.getTime() - CATALOGUE_SETTLE_MS), id: "" })
        : firstPullCursor.encode({ value: began, id: rows.at(-1)!.id }),
      more: true,
    };
  }
  const rows = await changedTapes(db, changesCursor.decode(cursor), limit);
  // Changes younger than the settle window are sent but never moved past.
  const settledBefore = now.getTime() - CATALOGUE_SETTLE_MS;
  const settled = rows.filter((row) => row.changed_at.getTime() <= settledBefore);
  const last = settled.at(-1);
  return {
    rows,
    cursor: last ? changesCursor.encode({ value: last.changed_at, id: last.id }) : cursor,
    more: rows.length === limit && settled.length === rows.length,
  };
}

/**
 * The phone's catalogue, a page at a time: first every cartridge, then what changed since that began, with
 * the sites, consignments and audits the field screens need whole.
 */
export async function pullCatalogue(
  db: Db,
  { cursor, limit }: CatalogueQuery,
  now = new Date(),
): Promise<CataloguePage> {
  const [page, sites, consignments, audits] = await Promise.all([
    cataloguePage(db, cursor, limit, now),
    siteOptions(db),
    fieldConsignments(db),
    fieldAudits(db),
  ]);
  return {
    items: page.rows.map(entryOf),
    cursor: page.cursor,
    more: page.more,
    serverTime: now,
    sites,
    consignments,
    audits,
  };
}
