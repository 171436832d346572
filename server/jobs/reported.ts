import type { ExternalJobRef, ReportedJob } from "../../lib/job-report";
import { parseLtoLabel } from "../../lib/lto";
import type { Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { registerTapeInTx } from "../tapes/service";
import { createJobInTx, updateJobInTx, type JobSource } from "./service";

export type ReportOptions = {
  /** Registers the cartridges the job names that are not in the catalogue yet (standard LTO labels only). */
  registerUnknown: boolean;
};

export type ReportedJobResult = {
  jobId: string;
  created: boolean;
  /** Whether the job's fields or cartridges changed (always, for a new job). */
  changed: boolean;
  /** Barcodes registered on the way, in the job's order. */
  registered: string[];
};

const listed = (barcodes: string[]) => barcodes.join(", ");

/**
 * The ids of the cartridges `barcodes` name, in order, registering the unknown ones when allowed. An
 * unknown label is refused by name: all of them at once, so one answer says everything to fix.
 */
async function spanOfBarcodes(tx: Tx, actor: Actor, barcodes: string[], { registerUnknown }: ReportOptions) {
  const known = new Map(
    (
      await tx.backupTapeCartridge.findMany({
        where: { barcode: { in: barcodes } },
        select: { id: true, barcode: true },
      })
    ).map((tape) => [tape.barcode, tape.id]),
  );
  const unknown = barcodes.filter((barcode) => !known.has(barcode));
  if (unknown.length > 0 && !registerUnknown) {
    throw new DomainError(
      "UNPROCESSABLE_CONTENT",
      unknown.length === 1
        ? `Cartridge ${unknown[0]} is not registered, and this token may not register cartridges`
        : `Cartridges ${listed(unknown)} are not registered, and this token may not register cartridges`,
      "barcodes",
    );
  }
  const notLto = unknown.filter((barcode) => !parseLtoLabel(barcode).ok);
  if (notLto.length > 0) {
    throw new DomainError(
      "UNPROCESSABLE_CONTENT",
      `${listed(notLto)} ${notLto.length === 1 ? "is not a registered cartridge nor a standard LTO label" : "are not registered cartridges nor standard LTO labels"}: register ${notLto.length === 1 ? "it" : "them"} by hand first, with the generation`,
      "barcodes",
    );
  }
  const registered: string[] = [];
  for (const barcode of unknown) {
    const label = parseLtoLabel(barcode);
    if (!label.ok) continue;
    const tape = await registerTapeInTx(tx, actor, { barcode: label.label, status: "in_use", tags: [] });
    known.set(barcode, tape.id);
    registered.push(barcode);
  }
  return { tapeIds: barcodes.map((barcode) => known.get(barcode)!), registered };
}

/**
 * Within the caller's transaction: updates the job `source`'s backup software id found before, or creates
 * one from `source`. A lock held on the id until the transaction ends makes two reports of one new job at
 * once end as one job: the second waits for the first, then finds it.
 */
export async function recordReportedJobInTx(
  tx: Tx,
  actor: Actor,
  { barcodes, ...fields }: ReportedJob,
  source: JobSource,
  options: ReportOptions,
): Promise<ReportedJobResult> {
  const { externalSystem, externalId } = source;
  let existing: { id: string } | null = null;
  if (externalSystem && externalId) {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`job:${externalSystem}:${externalId}`}, 0))`;
    existing = await tx.backupJob.findUnique({
      where: { externalSystem_externalId: { externalSystem, externalId } },
      select: { id: true },
    });
  }
  const { tapeIds, registered } = await spanOfBarcodes(tx, actor, barcodes, options);
  if (existing) {
    const { changed } = await updateJobInTx(tx, actor, { id: existing.id, ...fields, tapeIds });
    return { jobId: existing.id, created: false, changed, registered };
  }
  const job = await createJobInTx(tx, actor, { ...fields, tapeIds }, source);
  return { jobId: job.id, created: true, changed: true, registered };
}

/**
 * Records a job reported by an integration, found again by the backup software's (system, id) pair, in
 * one transaction with its audit entry: reporting the same job twice changes nothing the second time.
 */
export function recordReportedJob(
  db: Db,
  integration: { tokenId: string; actor: Actor },
  ref: ExternalJobRef,
  job: ReportedJob,
  options: ReportOptions,
): Promise<ReportedJobResult> {
  const source: JobSource = { origin: "integration", apiTokenId: integration.tokenId, ...ref };
  return transaction(db, (tx) => recordReportedJobInTx(tx, integration.actor, job, source, options));
}

/**
 * What stands in the way of recording jobs naming `barcodes`, by barcode, without writing anything:
 * cartridges not registered (refused unless `registerUnknown`, and then only standard LTO labels) and
 * cartridges destroyed.
 */
export async function barcodeProblems(db: Db, barcodes: string[], { registerUnknown }: ReportOptions) {
  const found = await db.backupTapeCartridge.findMany({
    where: { barcode: { in: [...new Set(barcodes)] } },
    select: { barcode: true, status: true },
  });
  const status = new Map(found.map((tape) => [tape.barcode, tape.status]));
  const problems = new Map<string, string>();
  for (const barcode of barcodes) {
    const known = status.get(barcode);
    if (known === "destroyed") problems.set(barcode, `Cartridge ${barcode} is destroyed and cannot be added to a job`);
    else if (known) continue;
    else if (!registerUnknown) problems.set(barcode, `Cartridge ${barcode} is not registered`);
    else if (!parseLtoLabel(barcode).ok)
      problems.set(barcode, `${barcode} is not registered and is not a standard LTO label: register it by hand first`);
  }
  return problems;
}
