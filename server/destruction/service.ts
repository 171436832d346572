import type { z } from "zod";
import { Prisma } from "../../generated/prisma/client";
import { refusal, type CapabilityHolder } from "../../lib/capabilities";
import { OPEN_CONSIGNMENT_STATES } from "../../lib/consignments";
import {
  destructionProblems,
  onlyUnexpired,
  type DestructionFacts,
  type destructionListSchema,
  type RecordDestructionInput,
} from "../../lib/destruction";
import { normaliseLabel } from "../../lib/lto";
import { auditItemOf, diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { createNumbered, nextNumber } from "../db/numbering";
import { DomainError, notFound } from "../errors";
import { listOrders } from "../pagination";

/** Who records a destruction: the audit's actor with what the capability table needs to know of them. */
export type DestructionActor = Actor & CapabilityHolder;

export const AUDITED_DESTRUCTION_FIELDS = [
  "number",
  "method",
  "technique",
  "performedAt",
  "performedBy",
  "witness",
  "vendor",
  "vendorCertificate",
  "verification",
  "remainsDestination",
  "overrideReason",
  "notes",
] as const;

type FactsRow = {
  id: string;
  barcode: string;
  status: string;
  generation: number | null;
  media_id: string;
  media_type: string;
  location_kind: DestructionFacts["locationKind"];
  site: string | null;
  data_expires_at: Date | null;
  open_consignment: string | null;
};

/**
 * What deciding a destruction needs of each cartridge, in id order; `forUpdate` locks them (in id order,
 * as every writer of several cartridges does) so nothing moves them or packs them meanwhile.
 */
function factsOf(db: Db | Tx, tapeIds: string[], forUpdate: boolean) {
  return db.$queryRaw<FactsRow[]>`
    SELECT t.id, t.barcode, t.status::text AS status, t.generation, t.media_id, t.media_type::text AS media_type,
      l.kind::text AS location_kind, l.site,
      (SELECT max(j.expires_at) FROM backup_job_tape jt JOIN backup_job j ON j.id = jt.job_id
        WHERE jt.tape_id = t.id) AS data_expires_at,
      (SELECT c.number FROM backup_consignment_tape ct JOIN backup_consignment c ON c.id = ct.consignment_id
        WHERE ct.tape_id = t.id AND c.state::text = ANY(${[...OPEN_CONSIGNMENT_STATES]}::text[])
        ORDER BY c.created_at LIMIT 1) AS open_consignment
    FROM backup_tape_cartridge t LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
    WHERE t.id = ANY(${tapeIds}::text[])
    ORDER BY t.id
    ${forUpdate ? Prisma.sql`FOR UPDATE OF t` : Prisma.empty}`;
}

const factsFrom = (row: FactsRow): DestructionFacts => ({
  barcode: row.barcode,
  status: row.status,
  locationKind: row.location_kind,
  dataExpiresAt: row.data_expires_at,
  openConsignment: row.open_consignment,
});

/**
 * Whether each cartridge may be destroyed now, in the order asked: its facts and the reasons it may not
 * (`withVendor`: a vendor does it, so a cartridge off site may be destroyed where it is).
 */
export async function checkDestruction(db: Db, tapeIds: string[], withVendor: boolean, now = new Date()) {
  const rows = new Map((await factsOf(db, tapeIds, false)).map((row) => [row.id, row]));
  return tapeIds.flatMap((id) => {
    const row = rows.get(id);
    if (!row) return [];
    const problems = destructionProblems(factsFrom(row), now, withVendor);
    return [
      {
        id,
        barcode: row.barcode,
        status: row.status,
        generation: row.generation,
        mediaId: row.media_id,
        locationKind: row.location_kind,
        site: row.site,
        dataExpiresAt: row.data_expires_at,
        openConsignment: row.open_consignment,
        problems,
        eligible: problems.length === 0,
        overridable: onlyUnexpired(problems),
      },
    ];
  });
}

const listOf = (items: string[]) =>
  items.length <= 5 ? items.join(", ") : `${items.slice(0, 5).join(", ")} and ${items.length - 5} more`;

async function recordInTx(tx: Tx, actor: DestructionActor, input: RecordDestructionInput, now: Date) {
  const rows = await factsOf(tx, input.tapeIds, true);
  if (rows.length !== input.tapeIds.length) throw new DomainError("NOT_FOUND", "A cartridge was not found", "tapeIds");
  const checked = rows.map((row) => ({ row, problems: destructionProblems(factsFrom(row), now, !!input.vendor) }));
  const blocking = checked.flatMap(({ problems }) => problems.filter((problem) => problem.kind !== "unexpired"));
  if (blocking.length > 0)
    throw new DomainError("CONFLICT", listOf(blocking.map((problem) => problem.message)), "tapeIds");
  const unexpired = checked.filter(({ problems }) => problems.length > 0);
  if (unexpired.length > 0) {
    const reasons = listOf(unexpired.flatMap(({ problems }) => problems.map((problem) => problem.message)));
    const refused = refusal(actor, "destruction.override");
    if (refused) throw new DomainError("FORBIDDEN", `${refused}: ${reasons}`, "tapeIds");
    if (!input.overrideReason)
      throw new DomainError("BAD_REQUEST", `${reasons}: say why it is destroyed before then`, "overrideReason");
  }
  const overridden = new Set(unexpired.map(({ row }) => row.id));
  const { tapeIds, ...fields } = input;
  const destruction = await tx.backupDestruction.create({
    data: {
      ...fields,
      // A reason given when nothing needed overriding would read as if something had been.
      overrideReason: overridden.size > 0 ? input.overrideReason : null,
      ...(await nextNumber(tx, "backup_destruction", now)),
      recordedById: actor.id,
      recordedByName: actor.name,
      tapes: { create: tapeIds.map((tapeId) => ({ tapeId, overridden: overridden.has(tapeId) })) },
    },
  });
  await tx.backupTapeCartridge.updateMany({ where: { id: { in: tapeIds } }, data: { status: "destroyed" } });
  const barcodes = rows.map((row) => row.barcode).sort();
  recordAudit(
    tx,
    {
      entityType: "destruction",
      entityId: destruction.id,
      action: "create",
      changes: {
        ...diffFields(null, destruction, AUDITED_DESTRUCTION_FIELDS),
        cartridges: { from: null, to: barcodes },
        ...(overridden.size > 0 && {
          overridden: { from: null, to: rows.filter((row) => overridden.has(row.id)).map((row) => row.barcode) },
        }),
      },
      actor,
    },
    ...rows.map((row) => ({
      entityType: "tape" as const,
      entityId: row.id,
      action: "destroy" as const,
      changes: {
        status: { from: row.status, to: "destroyed" },
        certificate: { from: null, to: destruction.number },
        ...(overridden.has(row.id) && { overrideReason: { from: null, to: destruction.overrideReason } }),
      },
      actor,
    })),
  );
  return destruction;
}

/**
 * Records one destruction of one or more cartridges, numbered D-<year>-<n>, in one transaction: each
 * cartridge becomes destroyed (audited "destroy" with the certificate's number) and stays in the catalogue
 * as evidence. Refused whole when any cartridge may not be destroyed; one whose data has not all expired
 * only by an administrator with a written reason, kept on the destruction and in the audit.
 */
export function recordDestruction(db: Db, actor: DestructionActor, input: RecordDestructionInput, now = new Date()) {
  return createNumbered(db, (tx) => recordInTx(tx, actor, input, now));
}

/** What a list row or a cartridge's page shows of a destruction. */
const SUMMARY = {
  id: true,
  number: true,
  method: true,
  technique: true,
  performedAt: true,
  performedBy: true,
  vendor: true,
  overrideReason: true,
} satisfies Prisma.BackupDestructionSelect;

const destructionOrder = listOrders("destructions", { recordedAt: "date" })("recordedAt", "desc");

/** Destructions newest first, found by certificate number, vendor or a cartridge's barcode. */
export async function listDestructions(db: Db, filters: z.output<typeof destructionListSchema>) {
  const search: Prisma.BackupDestructionWhereInput = filters.search
    ? {
        OR: [
          { number: { contains: filters.search, mode: "insensitive" } },
          { vendor: { contains: filters.search, mode: "insensitive" } },
          { tapes: { some: { tape: { barcode: { contains: normaliseLabel(filters.search) } } } } },
        ],
      }
    : {};
  const rows = await db.backupDestruction.findMany({
    where: { AND: [search, ...destructionOrder.after(filters.cursor)] },
    orderBy: destructionOrder.orderBy,
    take: filters.limit + 1,
    select: { ...SUMMARY, recordedAt: true, recordedByName: true, _count: { select: { tapes: true } } },
  });
  const page = destructionOrder.page(rows, filters.limit);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map(({ _count, ...row }) => ({ ...row, cartridges: _count.tapes })),
  };
}

/** A destruction in full: every cartridge it destroyed (by barcode) and its audit history. */
export async function getDestruction(db: Db, id: string) {
  const destruction = await db.backupDestruction.findUnique({
    where: { id },
    include: {
      tapes: {
        include: {
          tape: { select: { id: true, barcode: true, generation: true, mediaId: true, mediaType: true } },
        },
      },
    },
  });
  if (!destruction) throw notFound("The destruction");
  const history = await db.backupAuditLog.findMany({
    where: { entityType: "destruction", entityId: id },
    orderBy: { id: "asc" },
  });
  const { tapes, ...rest } = destruction;
  return {
    ...rest,
    tapes: tapes
      .map((line) => ({ ...line.tape, overridden: line.overridden }))
      .sort((a, b) => (a.barcode < b.barcode ? -1 : 1)),
    history: history.map(auditItemOf),
  };
}

/** The destruction of a cartridge, or null while it has not been destroyed. */
export async function destructionOfTape(db: Db, tapeId: string) {
  const line = await db.backupDestructionTape.findUnique({
    where: { tapeId },
    select: {
      overridden: true,
      destruction: { select: SUMMARY },
    },
  });
  return line ? { ...line.destruction, overridden: line.overridden } : null;
}
