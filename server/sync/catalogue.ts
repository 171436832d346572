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

/** The pull's one order, by change time then id; written as SQL below, so only its cursors come from here. */
const catalogueCursor = cursorCodec("catalogue:changedAt:asc", "date");

/**
 * Cartridges changed after the cursor (a location change bumps the cartridge's updatedAt) and cartridges
 * deleted after it (tombstones), merged in (change time, id) order. A first pull skips tombstones: a
 * client with nothing cached has nothing to delete.
 */
export async function pullCatalogue(
  db: Db,
  { cursor, limit }: CatalogueQuery,
  now = new Date(),
): Promise<CataloguePage> {
  const after = cursor ? catalogueCursor.decode(cursor) : null;
  const changedAfter = (at: Prisma.Sql, id: Prisma.Sql) =>
    after
      ? Prisma.sql`WHERE ${at} >= ${after.value} AND (${at} > ${after.value} OR ${id} > ${after.id})`
      : Prisma.empty;
  const tombstones = after
    ? Prisma.sql`UNION ALL (
        SELECT d.tape_id AS id, d.barcode, NULL::text, NULL::text, NULL::text, NULL::timestamp(3), d.deleted_at, true
        FROM backup_tape_tombstone d
        ${changedAfter(Prisma.sql`d.deleted_at`, Prisma.sql`d.tape_id`)}
        ORDER BY d.deleted_at, d.tape_id LIMIT ${limit})`
    : Prisma.empty;
  const [rows, sites, consignments, audits] = await Promise.all([
    db.$queryRaw<Row[]>`
    SELECT * FROM (
      (SELECT t.id, t.barcode, t.status::text AS status, l.kind::text AS location_kind, l.site AS location_site,
              l.occurred_at AS location_occurred_at, t.updated_at AS changed_at, false AS deleted
       FROM backup_tape_cartridge t
       LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
       ${changedAfter(Prisma.sql`t.updated_at`, Prisma.sql`t.id`)}
       ORDER BY t.updated_at, t.id LIMIT ${limit})
      ${tombstones}
    ) page
    ORDER BY changed_at, id
    LIMIT ${limit}`,
    siteOptions(db),
    fieldConsignments(db),
    fieldAudits(db),
  ]);

  const settledBefore = now.getTime() - CATALOGUE_SETTLE_MS;
  const settled = rows.filter((row) => row.changed_at.getTime() <= settledBefore);
  const last = settled.at(-1);
  return {
    items: rows.map(entryOf),
    cursor: last ? catalogueCursor.encode({ value: last.changed_at, id: last.id }) : (cursor ?? null),
    more: rows.length === limit && settled.length === rows.length,
    serverTime: now,
    sites,
    consignments,
    audits,
  };
}
