import { Prisma } from "../../generated/prisma/client";
import type { RotationList } from "../../lib/rotation";
import type { LocationKind } from "../../lib/vocabulary";
import type { Db } from "../db";
import { transaction } from "../db/transaction";
import { tapeRotation, utcDay, type RotationParams } from "./sql";

/**
 * Each cartridge's rotation, kept in backup_rotation_entry so that a list or the overview reads its members
 * from an index instead of computing every cartridge of a location kind (migration 20261203150000, measured
 * in docs/PERFORMANCE.md, "Rotation lists"). The rules stay in one place, `tapeRotation`: an entry is its
 * answer for one cartridge at a moment, and is used for a later moment only while nothing can have changed it:
 * - the settings are those it was computed with;
 * - the moment is in [computed_at, valid_until), valid_until being the first instant the clock alone could
 *   change it (a job expiring or becoming sendable, the data expiry coming within the lead time);
 * - no change to the cartridge's data is pending: every change appends it to backup_rotation_stale, by
 *   triggers in the transaction of the change.
 * Any other cartridge is computed afresh in the same statement that reads the entries, so an answer is exact
 * whatever state the entries are in; `refreshRotationEntries` writes fresh entries back so the next read
 * finds them.
 */

/** The cartridges whose entries cannot be used for `params`: changed, missing, out of date or other settings. */
function staleTapes({ now, settings }: RotationParams): Prisma.Sql {
  const chosen = Prisma.sql`(${settings.sendDelayDays}::int, ${settings.leadTimeDays}::int)`;
  // Each condition on its own index; a differing pair of settings as two ranges of one.
  return Prisma.sql`
    SELECT tape_id FROM backup_rotation_stale
    UNION SELECT tape_id FROM backup_rotation_entry WHERE valid_until <= ${now}::timestamp(3)
    UNION SELECT tape_id FROM backup_rotation_entry WHERE computed_at > ${now}::timestamp(3)
    UNION SELECT tape_id FROM backup_rotation_entry WHERE (send_delay_days, lead_time_days) < ${chosen}
    UNION SELECT tape_id FROM backup_rotation_entry WHERE (send_delay_days, lead_time_days) > ${chosen}`;
}

/** Where each list's cartridges are now: the lists are about nothing else. */
export const LIST_KIND: Record<RotationList, LocationKind> = { send: "on_site", bring_back: "off_site" };

type RotationScope = { list?: RotationList; tapeIds?: string[] };

/**
 * The entries that hold for `params` (the columns of `tapeRotation`), as a plain subquery of the entries
 * table, so that an order on an indexed expression of them is read off the index.
 */
export function storedRotation(params: RotationParams, { list, tapeIds }: RotationScope = {}): Prisma.Sql {
  const today = utcDay(params.now);
  const entryScope = [
    list && Prisma.sql`e.list = ${list}`,
    tapeIds && Prisma.sql`e.tape_id = ANY(${tapeIds}::text[])`,
  ].filter((condition): condition is Prisma.Sql => !!condition);
  return Prisma.sql`(
    SELECT e.tape_id, e.location_kind, e.data_expires_at, e.recall_needed_by, e.list, e.next_move,
      (e.list IS NOT NULL AND e.next_move < ${today}) AS overdue
    FROM backup_rotation_entry e
    WHERE e.tape_id NOT IN (${staleTapes(params)})
      ${entryScope.length ? Prisma.sql`AND ${Prisma.join(entryScope, " AND ")}` : Prisma.empty}
  )`;
}

/** The cartridges whose entries do not hold for `params`, computed. */
export function staleRotation(params: RotationParams, { list, tapeIds }: RotationScope = {}): Prisma.Sql {
  const stale = Prisma.sql`SELECT tape_id FROM (${staleTapes(params)}) stale
    ${tapeIds ? Prisma.sql`WHERE tape_id = ANY(${tapeIds}::text[])` : Prisma.empty}`;
  return Prisma.sql`(
    SELECT r.tape_id, r.location_kind, r.data_expires_at, r.recall_needed_by, r.list, r.next_move, r.overdue
    FROM ${tapeRotation(params, { kind: list && LIST_KIND[list], tapeIds: stale })} r
    ${list ? Prisma.sql`WHERE r.list = ${list}` : Prisma.empty}
  )`;
}

/**
 * Where each cartridge stands in the rotation at `params` (the columns of `tapeRotation`): the entries that
 * hold for it and, for the others, computed. Scoped to the members of a list, or to some cartridges.
 */
export function currentRotation(params: RotationParams, scope: RotationScope = {}): Prisma.Sql {
  return Prisma.sql`(
    SELECT * FROM ${storedRotation(params, scope)} stored
    UNION ALL
    SELECT * FROM ${staleRotation(params, scope)} computed
  )`;
}

/**
 * A page of `currentRotation`: `page` turns rows of it into one ordered, limited page, which is taken of the
 * stored entries and of the cartridges computed, each planned alone, and then the first `limit` of both in
 * `order`. As one union the stored half would be read whole and sorted at every read, the planner not
 * carrying an outer order into a union's branches; alone, its order comes off an index of the entries.
 */
export function rotationPage(
  params: RotationParams,
  scope: RotationScope,
  page: (rotation: Prisma.Sql) => Prisma.Sql,
  order: Prisma.Sql,
  limit: number,
): Prisma.Sql {
  return Prisma.sql`(
    SELECT * FROM (${page(storedRotation(params, scope))} UNION ALL ${page(staleRotation(params, scope))}) page
    ORDER BY ${order}
    LIMIT ${limit}
  )`;
}

/**
 * How many cartridges a list holds at `params`, and how many of them are overdue: the sums kept per next
 * move in backup_rotation_count, less the stale entries counted there, plus those cartridges computed.
 * The same few index reads at any size of catalogue.
 */
export function rotationCounts(params: RotationParams, list: RotationList): Prisma.Sql {
  const today = utcDay(params.now);
  return Prisma.sql`(
    WITH stale AS MATERIALIZED (${staleTapes(params)})
    SELECT stored.total - gone.total + fresh.total AS total,
      stored.overdue - gone.overdue + fresh.overdue AS overdue
    FROM (
      SELECT coalesce(sum(entries), 0)::bigint AS total,
        coalesce(sum(entries) FILTER (WHERE next_move < ${today}), 0)::bigint AS overdue
      FROM backup_rotation_count WHERE list = ${list}
    ) stored,
    (
      SELECT count(*) AS total, count(*) FILTER (WHERE e.next_move < ${today}) AS overdue
      FROM backup_rotation_entry e JOIN stale ON stale.tape_id = e.tape_id WHERE e.list = ${list}
    ) gone,
    (
      SELECT count(*) AS total, count(*) FILTER (WHERE r.overdue) AS overdue
      FROM ${staleRotation(params, { list })} r
    ) fresh
  )`;
}

/**
 * Recomputes the entries that cannot be used for `params` and writes them back, clearing the marks it saw.
 * One refresh at a time (a transaction-scoped advisory lock; a second caller skips, its read computes what
 * it needs): each refresh then starts from what the one before it wrote, and a mark added while it ran was
 * not seen, so it stays and its cartridge is recomputed next time. Marks, entries and the computation come
 * from one statement's snapshot.
 */
export async function refreshRotationEntries(db: Db, params: RotationParams) {
  // Most reads find nothing to do: said by indexes alone, without planning the computation or a transaction.
  const [pending] = await db.$queryRaw<{ stale: boolean }[]>`SELECT EXISTS (${staleTapes(params)}) AS stale`;
  if (!pending?.stale) return { refreshed: 0 };
  const result = await writeRotationEntries(db, params);
  // A refresh this large (the first after an upgrade, a change of settings) leaves the planner's statistics
  // describing the table as it was: until autovacuum's next pass, up to a minute later, every page reading
  // the lists would be planned for the wrong table and take seconds instead of milliseconds.
  if (result.refreshed >= ANALYZE_AFTER_ROWS)
    await db.$executeRaw`ANALYZE backup_rotation_entry, backup_rotation_count, backup_rotation_stale`;
  return result;
}

/** Rows written by one refresh from which its tables' statistics are brought up to date at once. */
export const ANALYZE_AFTER_ROWS = 1_000;

async function writeRotationEntries(db: Db, params: RotationParams) {
  return transaction(db, async (tx) => {
    const [lock] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(hashtext('backup_rotation_entry')) AS locked`;
    if (!lock?.locked) return { refreshed: 0 };
    const { now, settings } = params;
    const [result] = await tx.$queryRaw<{ refreshed: number }[]>`
      WITH observed AS MATERIALIZED (SELECT seq FROM backup_rotation_stale),
      stale AS MATERIALIZED (${staleTapes(params)}),
      written AS (
        INSERT INTO backup_rotation_entry (tape_id, location_kind, data_expires_at, recall_needed_by, list,
          next_move, computed_at, valid_until, send_delay_days, lead_time_days)
        SELECT r.tape_id, r.location_kind, r.data_expires_at, r.recall_needed_by, r.list, r.next_move,
          ${now}::timestamp(3), r.valid_until, ${settings.sendDelayDays}, ${settings.leadTimeDays}
        FROM ${tapeRotation(params, { tapeIds: Prisma.sql`SELECT tape_id FROM stale` })} r
        ON CONFLICT (tape_id) DO UPDATE SET
          location_kind = EXCLUDED.location_kind, data_expires_at = EXCLUDED.data_expires_at,
          recall_needed_by = EXCLUDED.recall_needed_by, list = EXCLUDED.list, next_move = EXCLUDED.next_move,
          computed_at = EXCLUDED.computed_at, valid_until = EXCLUDED.valid_until,
          send_delay_days = EXCLUDED.send_delay_days, lead_time_days = EXCLUDED.lead_time_days
        RETURNING 1),
      cleared AS (DELETE FROM backup_rotation_stale WHERE seq IN (SELECT seq FROM observed))
      SELECT (SELECT count(*) FROM written)::int AS refreshed`;
    return { refreshed: result?.refreshed ?? 0 };
  });
}
