import type { z } from "zod";
import type { BackupJob, Prisma } from "../../generated/prisma/client";
import {
  expiryFor,
  type createJobSchema,
  type jobFieldsSchema,
  type ListJobsOptions,
  type setSpanSchema,
  type updateJobSchema,
} from "../../lib/jobs";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { DomainError, notFound } from "../errors";
import { lockTape } from "../tapes/lock";
import { listOrders } from "../pagination";
import { escapeLike } from "../db/like";
import { consistentRead, transaction } from "../db/transaction";

const AUDITED_JOB_FIELDS = [
  "name",
  "jobDate",
  "retentionDays",
  "expiresAt",
  "totalFiles",
  "totalBytes",
  "verification",
  "sourceSystem",
  "technician",
  "notes",
] as const;
/** `tapes` is the span as barcodes in order, so the trail stays readable after a cartridge is deleted. */
const AUDITED_WITH_SPAN = [...AUDITED_JOB_FIELDS, "tapes"] as const;

const SPAN_TAPE = {
  id: true,
  barcode: true,
  status: true,
  generation: true,
} satisfies Prisma.BackupTapeCartridgeSelect;
type SpanTape = Prisma.BackupTapeCartridgeGetPayload<{ select: typeof SPAN_TAPE }>;

const barcodes = (span: SpanTape[]) => span.map((tape) => tape.barcode);
const snapshot = (job: BackupJob, span: SpanTape[]) => ({ ...job, tapes: barcodes(span) });

function withExpiry(fields: z.output<typeof jobFieldsSchema>) {
  return { ...fields, expiresAt: expiryFor(fields.jobDate, fields.retentionDays) };
}

/** Locks the job row for the rest of the transaction so concurrent span rewrites queue instead of colliding. */
async function lockJob(tx: Tx, id: string): Promise<BackupJob> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM backup_job WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) throw notFound("Backup job");
  return tx.backupJob.findUniqueOrThrow({ where: { id } });
}

/** With the job locked: a cartridge's deletion takes its jobs' locks first (removeFromSpans), so none goes meanwhile. */
async function spanOf(tx: Tx, jobId: string): Promise<SpanTape[]> {
  const links = await tx.backupJobTape.findMany({
    where: { jobId },
    orderBy: { position: "asc" },
    select: { tape: { select: SPAN_TAPE } },
  });
  return links.map((link) => link.tape);
}

const listed = (items: string[]) => items.join(", ");

/** Locks cartridges a span names or named, all at once and in id order, as every lock on several cartridges. */
async function lockSpanTapes(tx: Tx, tapeIds: string[]) {
  const ids = [...new Set(tapeIds)];
  if (ids.length > 0)
    await tx.$queryRaw`SELECT id FROM backup_tape_cartridge WHERE id = ANY(${ids}::text[]) ORDER BY id FOR NO KEY UPDATE`;
}

/**
 * Replaces the job's span with `tapeIds` in that order (positions 1..n). The links are deleted and
 * re-inserted because moving positions in place would collide with the unique (job, position) index.
 * Cartridges already in the span may stay even if destroyed since; only new ones are checked.
 */
async function writeSpan(tx: Tx, jobId: string, tapeIds: string[], previous: SpanTape[]): Promise<SpanTape[]> {
  if (tapeIds.join() === previous.map((tape) => tape.id).join()) return previous;
  // Keeps the cartridges from being deleted until the links are written: one deleted in between failed the
  // insert on its foreign key, a server error, where it should be reported missing. The cartridges leaving
  // the span too, and as strongly as the rotation's triggers on the links will (their per-cartridge rows are
  // recounted under it): taken here, all at once and in id order like every lock on several cartridges, so
  // two writers never wait on each other in a circle.
  await lockSpanTapes(tx, [...tapeIds, ...previous.map((tape) => tape.id)]);
  const found = new Map(
    (await tx.backupTapeCartridge.findMany({ where: { id: { in: tapeIds } }, select: SPAN_TAPE })).map((tape) => [
      tape.id,
      tape,
    ]),
  );
  const span: SpanTape[] = [];
  const missing: string[] = [];
  for (const id of tapeIds) {
    const tape = found.get(id);
    if (tape) span.push(tape);
    else missing.push(id);
  }
  if (missing.length > 0) {
    throw new DomainError(
      "BAD_REQUEST",
      missing.length === 1
        ? `No cartridge with id ${missing[0]} is registered`
        : `No cartridges with ids ${listed(missing)} are registered`,
      "tapeIds",
    );
  }
  const kept = new Set(previous.map((tape) => tape.id));
  const destroyed = barcodes(span.filter((tape) => tape.status === "destroyed" && !kept.has(tape.id)));
  if (destroyed.length > 0) {
    throw new DomainError(
      "CONFLICT",
      destroyed.length === 1
        ? `Cartridge ${destroyed[0]} is destroyed and cannot be added to a job`
        : `Cartridges ${listed(destroyed)} are destroyed and cannot be added to a job`,
      "tapeIds",
    );
  }
  await tx.backupJobTape.deleteMany({ where: { jobId } });
  await tx.backupJobTape.createMany({ data: tapeIds.map((tapeId, index) => ({ jobId, tapeId, position: index + 1 })) });
  return span;
}

/**
 * Where a job came from, when not typed in by hand: the integration that reported it or the import that
 * brought it, with the backup software's own id for it.
 */
export type JobSource =
  | { origin: "integration"; apiTokenId: string; externalSystem: string; externalId: string }
  | { origin: "import"; importId: string; externalSystem: string | null; externalId: string | null };

export async function createJobInTx(tx: Tx, actor: Actor, input: z.output<typeof createJobSchema>, source?: JobSource) {
  const { tapeIds, ...fields } = input;
  const job = await tx.backupJob.create({ data: { ...withExpiry(fields), ...source } });
  const span = await writeSpan(tx, job.id, tapeIds, []);
  recordAudit(tx, {
    entityType: "job",
    entityId: job.id,
    action: "create",
    changes: diffFields(null, snapshot(job, span), AUDITED_WITH_SPAN),
    actor,
  });
  return job;
}

export function createJob(db: Db, actor: Actor, input: z.output<typeof createJobSchema>) {
  return transaction(db, (tx) => createJobInTx(tx, actor, input));
}

/** Fields, expiry and span change together or not at all; an audit entry only when something changed. */
export async function updateJobInTx(tx: Tx, actor: Actor, input: z.output<typeof updateJobSchema>) {
  const { id, tapeIds, ...fields } = input;
  const before = await lockJob(tx, id);
  const previous = await spanOf(tx, id);
  const job = await tx.backupJob.update({ where: { id }, data: withExpiry(fields) });
  const span = await writeSpan(tx, id, tapeIds, previous);
  const changes = diffFields(snapshot(before, previous), snapshot(job, span), AUDITED_WITH_SPAN);
  if (Object.keys(changes).length > 0) {
    recordAudit(tx, { entityType: "job", entityId: id, action: "update", changes, actor });
  }
  return { job, changed: Object.keys(changes).length > 0 };
}

export async function updateJob(db: Db, actor: Actor, input: z.output<typeof updateJobSchema>) {
  return (await transaction(db, (tx) => updateJobInTx(tx, actor, input))).job;
}

export async function setSpan(db: Db, actor: Actor, { jobId, tapeIds }: z.output<typeof setSpanSchema>) {
  return transaction(db, async (tx) => {
    await lockJob(tx, jobId);
    const previous = await spanOf(tx, jobId);
    const span = await writeSpan(tx, jobId, tapeIds, previous);
    const changes = diffFields({ tapes: barcodes(previous) }, { tapes: barcodes(span) }, ["tapes"]);
    if (changes.tapes) recordAudit(tx, { entityType: "job", entityId: jobId, action: "span", changes, actor });
    return span;
  });
}

/** Removes the job and its links; the cartridges stay. */
export async function deleteJob(db: Db, actor: Actor, id: string) {
  return transaction(db, async (tx) => {
    const job = await lockJob(tx, id);
    const span = await spanOf(tx, id);
    await tx.backupJob.delete({ where: { id } });
    recordAudit(tx, {
      entityType: "job",
      entityId: id,
      action: "delete",
      changes: diffFields(snapshot(job, span), null, AUDITED_WITH_SPAN),
      actor,
    });
    return { id, name: job.name, tapeCount: span.length };
  });
}

/**
 * Takes a cartridge that is being deleted out of every job span it is in, closing the gap so positions stay
 * 1..n, with an audit entry on each job. Locks those jobs in id order, then the cartridge together with the
 * others in their spans, all in id order: the order span edits take them in. (Locking this one first and
 * the others as each span was rewritten waited in a circle with an edit holding one of them.) Once the
 * cartridge is locked no span can add it. A span that added it after the jobs were read leaves a job
 * unlocked here: refused, since locking it now could deadlock with that edit.
 */
export async function removeFromSpans(tx: Tx, actor: Actor, tapeId: string) {
  const linkedJobs = async () =>
    (await tx.backupJobTape.findMany({ where: { tapeId }, select: { jobId: true }, orderBy: { jobId: "asc" } })).map(
      (link) => link.jobId,
    );
  const jobIds = await linkedJobs();
  const spans = new Map<string, SpanTape[]>();
  for (const jobId of jobIds) {
    await lockJob(tx, jobId);
    spans.set(jobId, await spanOf(tx, jobId));
  }
  await lockSpanTapes(tx, [tapeId, ...[...spans.values()].flat().map((tape) => tape.id)]);
  await lockTape(tx, tapeId);
  if ((await linkedJobs()).some((jobId) => !jobIds.includes(jobId))) {
    throw new DomainError("CONFLICT", "The cartridge was just added to a job; try deleting it again");
  }
  for (const jobId of jobIds) {
    const previous = spans.get(jobId)!;
    const span = previous.filter((tape) => tape.id !== tapeId);
    await writeSpan(
      tx,
      jobId,
      span.map((tape) => tape.id),
      previous,
    );
    const changes = diffFields({ tapes: barcodes(previous) }, { tapes: barcodes(span) }, ["tapes"]);
    recordAudit(tx, { entityType: "job", entityId: jobId, action: "span", changes, actor });
  }
  return jobIds.length;
}

/** What a delete would remove, for the confirmation to name it. */
export async function deletePreview(db: Db, id: string) {
  const job = await db.backupJob.findUnique({
    where: { id },
    select: { id: true, name: true, _count: { select: { tapes: true } } },
  });
  if (!job) throw notFound("Backup job");
  return { id: job.id, name: job.name, tapeCount: job._count.tapes };
}

export async function getJob(db: Db, id: string) {
  const job = await consistentRead(db, (tx) =>
    tx.backupJob.findUnique({
      where: { id },
      include: {
        tapes: { orderBy: { position: "asc" }, select: { tape: { select: SPAN_TAPE } } },
        apiToken: { select: { name: true } },
        import: { select: { fileName: true, createdByName: true, createdAt: true } },
      },
    }),
  );
  if (!job) throw notFound("Backup job");
  return { ...job, tapes: job.tapes.map((link) => link.tape) };
}

/** The orders of the jobs table. */
const jobOrder = listOrders("jobs", { name: "text", jobDate: "date", expiresAt: "date" });

/** One page of jobs in the chosen order, continuing after `cursor`. */
export async function listJobs(db: Db, { search, sort, direction, cursor, limit }: ListJobsOptions) {
  const order = jobOrder(sort, direction);
  const where: Prisma.BackupJobWhereInput[] = [...order.after(cursor)];
  if (search) {
    const contains = escapeLike(search);
    where.push({
      OR: [{ name: { contains, mode: "insensitive" } }, { sourceSystem: { contains, mode: "insensitive" } }],
    });
  }
  const rows = await db.backupJob.findMany({
    where: { AND: where },
    orderBy: order.orderBy,
    take: limit + 1,
  });
  const { items: page, nextCursor } = order.page(rows, limit);
  // Counted for the page's jobs only: a relation count in the page query aggregates every link in the
  // table first and keeps PostgreSQL off the (sort key, id) index.
  const counts = await db.backupJobTape.groupBy({
    by: ["jobId"],
    where: { jobId: { in: page.map((job) => job.id) } },
    _count: { _all: true },
  });
  const tapeCounts = new Map(counts.map((row) => [row.jobId, row._count._all]));
  return {
    items: page.map((job) => ({ ...job, tapeCount: tapeCounts.get(job.id) ?? 0 })),
    nextCursor,
  };
}
