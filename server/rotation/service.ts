import { Prisma } from "../../generated/prisma/client";
import type { LocationKind as LocationKindEnum, TapeStatus } from "../../generated/prisma/client";
import type { z } from "zod";
import { ROTATION_LISTS, type RotationList, type RotationListFilters } from "../../lib/rotation";
import type { recallJobSchema, recallRefSchema, recallsOfSchema, recallTapeSchema } from "../../lib/rotation";
import { recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { transaction } from "../db/transaction";
import { DomainError, notFound } from "../errors";
import { cursorCodec } from "../pagination";
import { readSettings } from "../settings/service";
import { lockTape } from "../tapes/lock";
import { refreshRotationEntries, rotationCounts, rotationPage } from "./entries";
import { openRecall, type RotationParams } from "./sql";

/** The settings and the moment the lists are computed for. */
export async function rotationParams(db: Db, now = new Date()): Promise<RotationParams> {
  return { now, settings: await readSettings(db) };
}

/**
 * The settings and the moment, with the stored entries brought up to date for them, so that what follows
 * reads entries rather than computing cartridges. Reads are exact without it (server/rotation/entries.ts):
 * a refresh that fails, as one racing a cartridge's deletion may, is reported and the read goes on.
 */
export async function freshRotationParams(db: Db, given?: RotationParams): Promise<RotationParams> {
  const params = given ?? (await rotationParams(db));
  await refreshRotationEntries(db, params).catch((error: unknown) =>
    console.warn("Refreshing the rotation entries failed; this read computes them:", error),
  );
  return params;
}

/** Each list in its one order: the most pressing next move first, then by id so ties page stably. */
const listCursor = Object.fromEntries(
  ROTATION_LISTS.map((list) => [list, cursorCodec(`rotation:${list}:nextMove:asc`, "date")]),
) as Record<RotationList, ReturnType<typeof cursorCodec<"date">>>;

type ListRow = {
  id: string;
  barcode: string;
  status: TapeStatus;
  site_id: string | null;
  site: string | null;
  next_move: Date;
  overdue: boolean;
  data_expires_at: Date | null;
  recall_needed_by: Date | null;
  total: bigint;
  overdue_total: bigint;
};

/**
 * One page of a rotation list, most pressing first, with how many cartridges the whole list holds and how
 * many of them are overdue (counted in the same statement, so they agree with the page).
 */
export async function listRotation(db: Db, filters: RotationListFilters, params?: RotationParams) {
  return readRotationList(db, filters, await freshRotationParams(db, params));
}

async function readRotationList(db: Db, filters: RotationListFilters, at: RotationParams) {
  const { list, limit } = filters;
  const codec = listCursor[list];
  const after = filters.cursor ? codec.decode(filters.cursor) : null;
  // The page comes off the entries' index in list order; the counts from the sums kept per day.
  const pageOf = (rotation: Prisma.Sql) => Prisma.sql`(
    SELECT r.tape_id AS id, r.next_move, r.overdue, r.data_expires_at, r.recall_needed_by
    FROM ${rotation} r
    WHERE true ${filters.overdue ? Prisma.sql`AND r.overdue` : Prisma.empty}
    ${after ? Prisma.sql`AND (r.next_move, r.tape_id) > (${after.value}, ${after.id})` : Prisma.empty}
    ORDER BY r.next_move, r.tape_id
    LIMIT ${limit + 1})`;
  const rows = await db.$queryRaw<ListRow[]>`
    SELECT page.*, t.barcode, t.status, loc.site_id, loc.site, counts.total, counts.overdue AS overdue_total
    FROM ${rotationPage(at, { list }, pageOf, Prisma.sql`next_move, id`, limit + 1)} page
    CROSS JOIN ${rotationCounts(at, list)} counts
    JOIN backup_tape_cartridge t ON t.id = page.id
    LEFT JOIN backup_tape_location loc ON loc.tape_id = page.id AND loc.is_current
    ORDER BY page.next_move, page.id`;
  const items = rows.slice(0, limit).map((row) => ({
    id: row.id,
    barcode: row.barcode,
    status: row.status,
    /** The named site it is at, so a selection can become a consignment from there. */
    siteId: row.site_id,
    site: row.site,
    nextMove: row.next_move,
    overdue: row.overdue,
    dataExpiresAt: row.data_expires_at,
    recallNeededBy: row.recall_needed_by,
  }));
  const last = items.at(-1);
  // A page after the last one still knows the totals only from a row, so an empty page reports none.
  const first = rows[0];
  return {
    items,
    nextCursor: rows.length > limit && last ? codec.encode({ value: last.nextMove, id: last.id }) : null,
    total: first ? Number(filters.overdue ? first.overdue_total : first.total) : 0,
    overdue: first ? Number(first.overdue_total) : 0,
  };
}

/** Both lists' first rows and counts for the overview, computed for one moment and one reading of the settings. */
export async function rotationOverview(db: Db, rows: number, now = new Date()) {
  const params = await freshRotationParams(db, await rotationParams(db, now));
  const [send, bringBack] = await Promise.all(
    ROTATION_LISTS.map((list) => readRotationList(db, { list, limit: rows }, params)),
  );
  return { send: send!, bringBack: bringBack!, settings: params.settings };
}

// ------------------------------------------------------------------------------------------ recalls

type RecallInput = Pick<z.output<typeof recallTapeSchema>, "reason" | "neededBy">;

/** Cartridges away from the site: the only ones a recall can bring back. */
const AWAY: readonly LocationKindEnum[] = ["off_site", "in_transit"];

async function currentKinds(tx: Tx, tapeIds: string[]) {
  const rows = await tx.backupTapeLocation.findMany({
    where: { tapeId: { in: tapeIds }, isCurrent: true },
    select: { tapeId: true, kind: true },
  });
  return new Map(rows.map((row) => [row.tapeId, row.kind]));
}

async function createRecall(
  tx: Tx,
  actor: Actor,
  tapeId: string,
  input: RecallInput,
  job: { id: string; name: string } | null,
) {
  const recall = await tx.backupRecall.create({
    data: {
      tapeId,
      jobId: job?.id ?? null,
      reason: input.reason,
      neededBy: input.neededBy,
      requestedById: actor.id,
      requestedByName: actor.name,
    },
  });
  recordAudit(tx, {
    entityType: "tape",
    entityId: tapeId,
    action: "recall",
    changes: {
      recall: { from: null, to: recall.id },
      reason: { from: null, to: recall.reason },
      neededBy: { from: null, to: recall.neededBy.toISOString() },
      ...(job && { job: { from: null, to: job.name } }),
    },
    actor,
  });
  return recall;
}

const whyNotAway = (barcode: string, kind: LocationKindEnum | undefined) =>
  kind === "on_site"
    ? `${barcode} is on site already: there is nothing to bring back`
    : `${barcode} has no location logged: log where it is before recalling it`;

/** Recalls one cartridge that is off site or on its way, for a restore by a date. */
export async function recallTape(db: Db, actor: Actor, input: z.output<typeof recallTapeSchema>) {
  return transaction(db, async (tx) => {
    const tape = await lockTape(tx, input.tapeId);
    const kind = (await currentKinds(tx, [input.tapeId])).get(input.tapeId);
    if (!kind || !AWAY.includes(kind)) throw new DomainError("BAD_REQUEST", whyNotAway(tape.barcode, kind));
    return createRecall(tx, actor, input.tapeId, input, null);
  });
}

/**
 * Recalls every cartridge of a job that is away from the site, one recall each; those on site (or never
 * located) are named in the answer, not silently left out. Refused when none of them is away.
 */
export async function recallJob(db: Db, actor: Actor, input: z.output<typeof recallJobSchema>) {
  return transaction(db, async (tx) => {
    const job = await tx.backupJob.findUnique({
      where: { id: input.jobId },
      select: { id: true, name: true, tapes: { select: { tapeId: true }, orderBy: { position: "asc" } } },
    });
    if (!job) throw notFound("The backup job");
    const tapes = [];
    // In span order, the order every writer of a job's cartridges locks them in.
    for (const { tapeId } of job.tapes) tapes.push({ id: tapeId, ...(await lockTape(tx, tapeId)) });
    const kinds = await currentKinds(
      tx,
      tapes.map((tape) => tape.id),
    );
    const away = tapes.filter((tape) => AWAY.includes(kinds.get(tape.id)!));
    const skipped = tapes
      .filter((tape) => !away.includes(tape))
      .map((tape) => ({ barcode: tape.barcode, reason: whyNotAway(tape.barcode, kinds.get(tape.id)) }));
    if (away.length === 0) {
      throw new DomainError(
        "BAD_REQUEST",
        tapes.length === 0
          ? `${job.name} has no cartridges to recall`
          : `None of the cartridges of ${job.name} is away from the site: ${skipped.map((tape) => tape.reason).join("; ")}`,
      );
    }
    for (const tape of away) await createRecall(tx, actor, tape.id, input, { id: job.id, name: job.name });
    return { recalled: away.map((tape) => tape.barcode), skipped };
  });
}

/** Cancels a recall still in force; one already fulfilled or cancelled is refused, saying which. */
export async function cancelRecall(db: Db, actor: Actor, input: z.output<typeof recallRefSchema>) {
  return transaction(db, async (tx) => {
    const found = await tx.backupRecall.findUnique({ where: { id: input.id }, select: { tapeId: true } });
    if (!found) throw notFound("The recall");
    const tape = await lockTape(tx, found.tapeId);
    const [open] = await tx.$queryRaw<{ open: boolean }[]>`
      SELECT ${openRecall(Prisma.sql`r`)} AS open FROM backup_recall r WHERE r.id = ${input.id}`;
    const recall = await tx.backupRecall.findUniqueOrThrow({ where: { id: input.id } });
    if (recall.cancelledAt) throw new DomainError("CONFLICT", `This recall of ${tape.barcode} was already cancelled`);
    if (!open?.open) throw new DomainError("CONFLICT", `${tape.barcode} is back on site: the recall is fulfilled`);
    const cancelled = await tx.backupRecall.update({
      where: { id: input.id },
      data: { cancelledAt: new Date(), cancelledById: actor.id, cancelledByName: actor.name },
    });
    recordAudit(tx, {
      entityType: "tape",
      entityId: recall.tapeId,
      action: "cancel_recall",
      changes: { recall: { from: recall.id, to: null }, reason: { from: recall.reason, to: null } },
      actor,
    });
    return cancelled;
  });
}

/** The recalls in force of a cartridge, or of a job's cartridges, soonest needed first. */
export async function openRecalls(db: Db, of: z.output<typeof recallsOfSchema>) {
  const tapeFilter =
    "tapeId" in of
      ? Prisma.sql`r.tape_id = ${of.tapeId}`
      : Prisma.sql`r.tape_id IN (SELECT tape_id FROM backup_job_tape WHERE job_id = ${of.jobId})`;
  return db.$queryRaw<
    {
      id: string;
      tapeId: string;
      barcode: string;
      reason: string;
      neededBy: Date;
      requestedAt: Date;
      requestedByName: string;
      jobName: string | null;
    }[]
  >`
    SELECT r.id, r.tape_id AS "tapeId", t.barcode, r.reason, r.needed_by AS "neededBy",
      r.requested_at AS "requestedAt", r.requested_by_name AS "requestedByName", j.name AS "jobName"
    FROM backup_recall r
    JOIN backup_tape_cartridge t ON t.id = r.tape_id
    LEFT JOIN backup_job j ON j.id = r.job_id
    WHERE ${tapeFilter} AND ${openRecall(Prisma.sql`r`)}
    ORDER BY r.needed_by, t.barcode, r.id`;
}
