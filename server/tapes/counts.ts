import type { LocationKind, TapeStatus } from "../../generated/prisma/client";
import type { Db } from "../db";

/**
 * The overview's counts, kept exact by the triggers of the catalogue-counts migration: each change appends
 * (key, delta) rows in its own transaction, and a count is the sum of its key's rows. Reading them costs the
 * same whatever the size of the catalogue.
 */
export type CatalogueCounts = {
  tapes: number;
  jobs: number;
  byStatus: Partial<Record<TapeStatus, number>>;
  byKind: Partial<Record<LocationKind, number>>;
  /** Cartridges by the site of their current location; the key "" for current locations naming no site. */
  bySiteId: Map<string, number>;
};

/** Past this many rows, reading sums them per key first, so a read stays a handful of rows. */
const COMPACT_ABOVE = 2_000;

/**
 * Sums each key's rows into one. Rows appended by a transaction still open are not seen, so not deleted:
 * they are summed next time. Two at once are safe too: a row is deleted, and summed, by one of them only.
 */
export async function compactCatalogueCounts(db: Db) {
  await db.$executeRaw`
    WITH gone AS (DELETE FROM backup_catalogue_count RETURNING key, delta)
    INSERT INTO backup_catalogue_count (key, delta)
    SELECT key, sum(delta) FROM gone GROUP BY key HAVING sum(delta) <> 0`;
}

export async function catalogueCounts(db: Db): Promise<CatalogueCounts> {
  const read = () =>
    db.$queryRaw<{ key: string; count: bigint; rows: bigint }[]>`
      SELECT key, sum(delta) AS count, count(*) AS rows FROM backup_catalogue_count GROUP BY key`;
  let rows = await read();
  if (rows.reduce((sum, row) => sum + Number(row.rows), 0) > COMPACT_ABOVE) {
    await compactCatalogueCounts(db);
    rows = await read();
  }
  const counts: CatalogueCounts = { tapes: 0, jobs: 0, byStatus: {}, byKind: {}, bySiteId: new Map() };
  for (const { key, count } of rows) {
    const value = Number(count);
    if (value === 0) continue;
    const [kind, name = ""] = key.split(":", 2) as [string, string?];
    if (key === "tapes") counts.tapes = value;
    else if (key === "jobs") counts.jobs = value;
    else if (kind === "status") counts.byStatus[name as TapeStatus] = value;
    else if (kind === "kind") counts.byKind[name as LocationKind] = value;
    else if (kind === "site") counts.bySiteId.set(name, value);
  }
  return counts;
}
