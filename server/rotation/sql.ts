import { Prisma } from "../../generated/prisma/client";
import type { Settings } from "../../lib/settings";
import type { LocationKind } from "../../lib/vocabulary";

/**
 * Where each cartridge stands in the rotation, from its current location, its jobs, its recalls, the
 * settings and the clock: editing a job, logging a location or recalling a cartridge moves it on or off the
 * lists at the next read. The one definition of the rules: the rotation lists, the overview and the
 * cartridge table read its answers, kept per cartridge with the window in which they hold (`valid_until`
 * below; server/rotation/entries.ts), or computed when none holds. What it needs of a cartridge's jobs
 * that does not depend on the clock (data expiry, newest job day, the frontier below) is kept per cartridge
 * in backup_tape_rotation by triggers, in the transaction of every change to jobs or their cartridges
 * (migration 20261202121000_rotation_per_cartridge), so a list reads one row per cartridge rather than
 * every job of every cartridge (docs/PERFORMANCE.md, "Rotation lists").
 *
 * Calendar days are UTC days; `today` is the UTC day of `now`.
 * - A job is **sendable** when it has not expired (`expires_at > now`) and its job date's day plus the send
 *   delay is today or earlier.
 * - **To send**: the cartridge's current location is on site, it is not on its way (`onTheirWay`: in transit
 *   or packed in a consignment not yet dispatched), and it holds a sendable job. Its next move is the *send-by* date: the newest sendable job's day + send delay.
 *   An on-site cartridge whose unexpired jobs are all too recent is not listed yet; its send-by date is the
 *   day the first of them becomes sendable (a job that expires by then never does).
 * - **Data expiry**: the latest expiry among the cartridge's jobs (when all of its data may be overwritten).
 * - **To bring back**: the current location is off site and either the data expiry's day is at most today +
 *   lead time (every job expires within the lead time or has expired; a cartridge without jobs holds nothing
 *   to keep), or an open recall asks for it. Its next move is the *bring-back-by* date: the earliest of the
 *   data expiry's day − lead time (for a cartridge without jobs, the day it went off site) and the needed-by
 *   date of each open recall.
 * - A recall is **open** while it is not cancelled and the cartridge has not been logged on site since it
 *   was requested.
 * - **Overdue**: on a list, and the next move is before today.
 * - A destroyed cartridge is on no list and has no next move, wherever it was last logged.
 */
export type RotationParams = { now: Date; settings: Pick<Settings, "sendDelayDays" | "leadTimeDays"> };

const DAY_MS = 86_400_000;

/** The UTC midnight of `date`'s day. */
export const utcDay = (date: Date) => new Date(Math.floor(date.getTime() / DAY_MS) * DAY_MS);
export const addDays = (date: Date, days: number) => new Date(date.getTime() + days * DAY_MS);

/**
 * The cartridges already on their way somewhere, which are not asked to be sent again: those whose current
 * location is in transit, and those packed in a consignment not yet dispatched. A relation of `tape_id`s,
 * joined once rather than probed per use.
 */
export const onTheirWay = Prisma.sql`(
  SELECT tape_id FROM backup_tape_location WHERE is_current AND kind = 'in_transit'
  UNION
  SELECT packed.tape_id FROM backup_consignment_tape packed
  JOIN backup_consignment c ON c.id = packed.consignment_id
  WHERE c.state IN ('draft', 'awaiting_approval', 'approved'))`;

/** Recalls still in force: not cancelled, and the cartridge not logged on site since the request. */
export const openRecall = (recall: Prisma.Sql) => Prisma.sql`${recall}.cancelled_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM backup_tape_location back
    WHERE back.tape_id = ${recall}.tape_id AND back.kind = 'on_site' AND back.occurred_at >= ${recall}.requested_at)`;

/**
 * One row per cartridge (`tape_id`, `location_kind`, `data_expires_at`, `recall_needed_by`, `list` —
 * 'send', 'bring_back' or null —, `next_move`, `overdue`), as a relation to select from. A scope limits it
 * to the cartridges whose current location is of one kind (all a list needs) or to some cartridges (a page
 * of the cartridge table): much less work than every cartridge.
 */
export function tapeRotation(
  { now, settings }: RotationParams,
  scope: { kind?: LocationKind; tapeIds?: string[] | Prisma.Sql } = {},
): Prisma.Sql {
  const today = utcDay(now);
  const delay = settings.sendDelayDays;
  // A job is sendable when its day is before this: its day + delay <= today.
  const sendableBefore = addDays(today, 1 - delay);
  const horizon = addDays(today, settings.leadTimeDays);
  const days = (count: number) => Prisma.sql`(${count}::int * interval '1 day')`;
  const { kind, tapeIds } = scope;
  // The planner would not carry a list of ids from the cartridges to the jobs aggregated for them: said twice.
  // Ids given as a relation (a subquery of `tape_id`s) are joined, not probed one by one in an array.
  const inScope = (id: Prisma.Sql, keyword: "WHERE" | "AND") =>
    !tapeIds
      ? Prisma.empty
      : Array.isArray(tapeIds)
        ? Prisma.sql`${Prisma.raw(keyword)} ${id} = ANY(${tapeIds}::text[])`
        : Prisma.sql`${Prisma.raw(keyword)} ${id} IN (${tapeIds})`;
  // Each cartridge in scope with its current location (tape_id, kind, occurred_at). Limited to one kind,
  // the current locations alone name the cartridges (one index-only scan), not the cartridge table.
  const cartridges = kind
    ? Prisma.sql`(SELECT tape_id, kind, occurred_at FROM backup_tape_location
        WHERE is_current AND kind = ${kind}::"LocationKind" ${inScope(Prisma.sql`tape_id`, "AND")})`
    : Prisma.sql`(SELECT t.id AS tape_id, cur.kind, cur.occurred_at
        FROM backup_tape_cartridge t LEFT JOIN backup_tape_location cur ON cur.tape_id = t.id AND cur.is_current
        ${inScope(Prisma.sql`t.id`, "WHERE")})`;
  // A cartridge whose jobs are all old enough to send (its newest job day before `sendableBefore`) is
  // decided from its row in backup_tape_rotation: its newest sendable job is its newest job unexpired now,
  // which is on its frontier, and it has no first pending day (only a job too recent to send gives one).
  // Only those written within the send delay — a few days' jobs — are decided from their jobs themselves.
  const recent = Prisma.sql`SELECT tape_id FROM backup_tape_rotation WHERE newest_job_day >= ${sendableBefore}`;
  return Prisma.sql`(
    SELECT r.*, (r.list IS NOT NULL AND r.next_move < ${today}) AS overdue
    FROM (
      SELECT b.tape_id, b.location_kind, b.data_expires_at, b.recall_needed_by,
        CASE
          WHEN b.destroyed THEN NULL
          WHEN b.sendable AND b.newest_sendable IS NOT NULL THEN 'send'
          WHEN b.location_kind = 'off_site'
            AND (b.data_expires_at IS NULL OR date_trunc('day', b.data_expires_at) <= ${horizon}
              OR b.recall_needed_by IS NOT NULL) THEN 'bring_back'
        END AS list,
        CASE
          WHEN b.destroyed THEN NULL
          WHEN b.sendable THEN coalesce(b.newest_sendable, b.first_pending) + ${days(delay)}
          WHEN b.location_kind = 'off_site' THEN least(
            coalesce(date_trunc('day', b.data_expires_at) - ${days(settings.leadTimeDays)},
              date_trunc('day', b.located_at)),
            b.recall_needed_by)
        END AS next_move,
        -- The first moment the clock alone could change the list or the next move: a job expiring, a job
        -- becoming old enough to send, the data expiry coming within the lead time.
        CASE
          WHEN b.destroyed THEN 'infinity'::timestamp(3)
          WHEN b.sendable AND b.newest_job_day < ${sendableBefore} THEN coalesce(b.frontier_next_expiry, 'infinity')
          WHEN b.sendable THEN coalesce(least(b.next_expiry, b.next_sendable_day + ${days(delay)}), 'infinity')
          WHEN b.location_kind = 'off_site' AND date_trunc('day', b.data_expires_at) - ${days(settings.leadTimeDays)} > ${today}
            THEN date_trunc('day', b.data_expires_at) - ${days(settings.leadTimeDays)}
          ELSE 'infinity'
        END AS valid_until
      FROM (
        SELECT c.tape_id, c.kind AS location_kind, c.occurred_at AS located_at,
          (c.kind = 'on_site' AND way.tape_id IS NULL) AS sendable,
          s.data_expires_at,
          CASE WHEN s.newest_job_day < ${sendableBefore}
            THEN s.frontier_days[width_bucket(${now}::timestamp(3), s.frontier_expiries) + 1]
            ELSE d.newest_sendable
          END AS newest_sendable,
          s.newest_job_day, s.frontier_expiries[width_bucket(${now}::timestamp(3), s.frontier_expiries) + 1]
            AS frontier_next_expiry,
          d.first_pending, d.next_expiry, d.next_sendable_day,
          rc.needed_by AS recall_needed_by, gone.status = 'destroyed' AS destroyed
        FROM ${cartridges} c
        JOIN backup_tape_cartridge gone ON gone.id = c.tape_id
        LEFT JOIN ${onTheirWay} way ON way.tape_id = c.tape_id
        LEFT JOIN backup_tape_rotation s ON s.tape_id = c.tape_id
        LEFT JOIN (
          SELECT jt.tape_id,
            max(date_trunc('day', j.job_date)) FILTER (
              WHERE j.expires_at > ${now} AND j.job_date < ${sendableBefore}) AS newest_sendable,
            min(date_trunc('day', j.job_date)) FILTER (
              WHERE j.job_date >= ${sendableBefore}
                AND j.expires_at > date_trunc('day', j.job_date) + ${days(delay)}) AS first_pending,
            min(j.expires_at) FILTER (WHERE j.expires_at > ${now}) AS next_expiry,
            min(date_trunc('day', j.job_date)) FILTER (WHERE j.job_date >= ${sendableBefore}) AS next_sendable_day
          FROM backup_job_tape jt JOIN backup_job j ON j.id = jt.job_id
          WHERE jt.tape_id IN (${recent}) ${inScope(Prisma.sql`jt.tape_id`, "AND")}
          GROUP BY jt.tape_id
        ) d ON d.tape_id = c.tape_id
        LEFT JOIN (
          SELECT recall.tape_id, min(recall.needed_by) AS needed_by
          FROM backup_recall recall
          WHERE ${openRecall(Prisma.sql`recall`)}
          GROUP BY recall.tape_id
        ) rc ON rc.tape_id = c.tape_id
      ) b
    ) r
  )`;
}
