import type { z } from "zod";
import { Prisma, type BackupConsignment, type BackupSite } from "../../generated/prisma/client";
import type { CapabilityHolder } from "../../lib/capabilities";
import {
  isReceived,
  isUnexpected,
  lineIncident,
  lineOutcome,
  OPEN_CONSIGNMENT_STATES,
  stepRefusal,
  type ConsignmentInput,
  type ConsignmentListFilter,
  type ConsignmentState,
  type ConsignmentStep,
  type consignmentListSchema,
  type declareLostSchema,
  type FieldConsignment,
  type markFoundSchema,
  type resolveIncidentSchema,
} from "../../lib/consignments";
import { auditItemOf, diffFields, recordAudit, type Actor, type Changes } from "../audit/service";
import type { Db, Tx } from "../db";
import { createNumbered, nextNumber } from "../db/numbering";
import { transaction } from "../db/transaction";
import { DomainError, notFound } from "../errors";
import { writeLocations, type EventOrigin } from "../locations/service";
import { listOrders } from "../pagination";
import { readSettings } from "../settings/service";
import { lockSites } from "../sites/service";

export const AUDITED_CONSIGNMENT_FIELDS = [
  "number",
  "fromSiteId",
  "toSiteId",
  "containerId",
  "notes",
  "state",
  "needsApproval",
] as const;

/** Who takes a step: the audit's actor with what the capability table needs to know of them. */
export type ConsignmentActor = Actor & CapabilityHolder;

/** Where a dispatch or receipt came from: a phone's event (its id, device and moment). */
export type StepOrigin = EventOrigin & { occurredAt: Date };

export const refuse = (step: ConsignmentStep, state: ConsignmentState) => {
  const reason = stepRefusal(step, state);
  if (reason) throw new DomainError("CONFLICT", reason);
};

/** Locks the consignment for the rest of the transaction: its steps happen one after another. */
async function lockConsignment(tx: Tx, id: string): Promise<BackupConsignment> {
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM backup_consignment WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) throw notFound("The consignment");
  return tx.backupConsignment.findUniqueOrThrow({ where: { id } });
}

type LockedTape = { id: string; barcode: string; status: string; site_id: string | null; kind: string | null };
/** A cartridge named by its id, with its label for messages. */
type ScannedTape = Pick<LockedTape, "id" | "barcode">;

/** Locks cartridges by id (in id order, as every writer does) and reads where each is now. */
async function lockTapes(tx: Tx, ids: string[]): Promise<LockedTape[]> {
  return tx.$queryRaw<LockedTape[]>`
    SELECT t.id, t.barcode, t.status::text AS status, l.site_id, l.kind::text AS kind
    FROM (SELECT * FROM backup_tape_cartridge WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE) t
    LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
    ORDER BY t.id`;
}

export const listOf = (barcodes: string[]) =>
  barcodes.length <= 5 ? barcodes.join(", ") : `${barcodes.slice(0, 5).join(", ")} and ${barcodes.length - 5} more`;

/** The cartridges already in another open consignment (than `consignmentId`), with that consignment. */
export function tapesElsewhere(tx: Tx, tapes: ScannedTape[], consignmentId: string | null) {
  if (tapes.length === 0) return Promise.resolve([]);
  return tx.$queryRaw<{ barcode: string; id: string; number: string }[]>`
    SELECT t.barcode, c.id, c.number
    FROM backup_consignment_tape ct
    JOIN backup_consignment c ON c.id = ct.consignment_id
    JOIN backup_tape_cartridge t ON t.id = ct.tape_id
    WHERE ct.tape_id = ANY(${tapes.map((tape) => tape.id)}::text[])
      AND c.state::text = ANY(${[...OPEN_CONSIGNMENT_STATES]}::text[])
      AND (${consignmentId}::text IS NULL OR c.id <> ${consignmentId})`;
}

/** A cartridge cannot be in a second open consignment: refuses `taken`, the cartridges that already are. */
export function refuseTaken(taken: { barcode: string; number: string }[]) {
  if (taken.length === 0) return;
  const sorted = [...taken].sort((a, b) => (a.barcode < b.barcode ? -1 : a.barcode > b.barcode ? 1 : 0));
  const first = sorted[0]!;
  throw new DomainError(
    "CONFLICT",
    sorted.length === 1
      ? `${first.barcode} is already in consignment ${first.number}`
      : `${listOf(sorted.map((row) => row.barcode))} are already in other open consignments (${first.barcode} in ${first.number})`,
    "tapeIds",
  );
}

/** Checks both sites can be used and the expected cartridges are at the one the case leaves from. */
async function checkPlan(tx: Tx, input: ConsignmentInput, consignmentId: string | null) {
  const sites = await lockSites(tx, [input.fromSiteId, input.toSiteId]);
  const from = sites.get(input.fromSiteId);
  const to = sites.get(input.toSiteId);
  if (!from) throw new DomainError("BAD_REQUEST", "The site it leaves from is not known", "fromSiteId");
  if (!to) throw new DomainError("BAD_REQUEST", "The site it goes to is not known", "toSiteId");
  if (!from.active) throw new DomainError("BAD_REQUEST", `${from.name} is retired: choose another site`, "fromSiteId");
  if (!to.active) throw new DomainError("BAD_REQUEST", `${to.name} is retired: choose another site`, "toSiteId");
  const tapes = input.tapeIds.length > 0 ? await lockTapes(tx, input.tapeIds) : [];
  if (tapes.length !== input.tapeIds.length) throw new DomainError("NOT_FOUND", "A cartridge was not found", "tapeIds");
  const destroyed = tapes.filter((tape) => tape.status === "destroyed").map((tape) => tape.barcode);
  if (destroyed.length > 0)
    throw new DomainError(
      "CONFLICT",
      `${listOf(destroyed)} ${destroyed.length === 1 ? "is" : "are"} destroyed: leave ${destroyed.length === 1 ? "it" : "them"} out`,
      "tapeIds",
    );
  const elsewhere = tapes.filter((tape) => tape.site_id !== from.id).map((tape) => tape.barcode);
  if (elsewhere.length > 0)
    throw new DomainError(
      "BAD_REQUEST",
      `${listOf(elsewhere)} ${elsewhere.length === 1 ? "is" : "are"} not at ${from.name}: log where ${elsewhere.length === 1 ? "it is" : "they are"} first, or leave ${elsewhere.length === 1 ? "it" : "them"} out`,
      "tapeIds",
    );
  refuseTaken(await tapesElsewhere(tx, tapes, consignmentId));
  return { from, to, tapes };
}

export const barcodesOf = (tapes: { barcode: string }[]) => tapes.map((tape) => tape.barcode).sort();

async function createInTx(tx: Tx, actor: Actor, input: ConsignmentInput) {
  const { tapes } = await checkPlan(tx, input, null);
  const { tapeIds, ...fields } = input;
  const consignment = await tx.backupConsignment.create({
    data: {
      ...fields,
      ...(await nextNumber(tx, "backup_consignment")),
      createdById: actor.id,
      createdByName: actor.name,
      tapes: { create: tapeIds.map((tapeId) => ({ tapeId, expected: true })) },
    },
  });
  recordAudit(tx, {
    entityType: "consignment",
    entityId: consignment.id,
    action: "create",
    changes: {
      ...diffFields(null, consignment, AUDITED_CONSIGNMENT_FIELDS),
      cartridges: { from: null, to: barcodesOf(tapes) },
    },
    actor,
  });
  return consignment;
}

/** A new draft, numbered C-<year>-<n> in the order created. Two created at once: the second takes the next number. */
export function createConsignment(db: Db, actor: Actor, input: ConsignmentInput) {
  return createNumbered(db, (tx) => createInTx(tx, actor, input));
}

/** Changes a draft: its sites, case, notes and the cartridges expected in it. */
export function updateConsignment(db: Db, actor: Actor, id: string, input: ConsignmentInput) {
  return transaction(db, async (tx) => {
    const before = await lockConsignment(tx, id);
    refuse("edit", before.state);
    const { tapes } = await checkPlan(tx, input, id);
    const lines = await tx.backupConsignmentTape.findMany({
      where: { consignmentId: id },
      include: { tape: { select: { barcode: true } } },
    });
    const { tapeIds, ...fields } = input;
    const after = await tx.backupConsignment.update({ where: { id }, data: fields });
    await tx.backupConsignmentTape.deleteMany({ where: { consignmentId: id, tapeId: { notIn: tapeIds } } });
    await tx.backupConsignmentTape.createMany({
      data: tapeIds.map((tapeId) => ({ consignmentId: id, tapeId, expected: true })),
      skipDuplicates: true,
    });
    const changes: Changes = diffFields(before, after, AUDITED_CONSIGNMENT_FIELDS);
    const wasList = barcodesOf(lines.map((line) => line.tape));
    const nowList = barcodesOf(tapes);
    if (wasList.join() !== nowList.join()) changes.cartridges = { from: wasList, to: nowList };
    if (Object.keys(changes).length > 0)
      recordAudit(tx, { entityType: "consignment", entityId: id, action: "update", changes, actor });
    return after;
  });
}

/** Writes a step: the consignment's new fields and one audit entry with the state change and `details`. */
async function recordStep(
  tx: Tx,
  actor: Actor,
  before: BackupConsignment,
  action: "submit" | "approve" | "reject" | "cancel" | "dispatch" | "receive",
  data: Prisma.BackupConsignmentUpdateInput,
  details: Changes = {},
) {
  const after = await tx.backupConsignment.update({ where: { id: before.id }, data });
  recordAudit(tx, {
    entityType: "consignment",
    entityId: before.id,
    action,
    changes: { ...diffFields(before, after, AUDITED_CONSIGNMENT_FIELDS), ...details },
    actor,
  });
  return after;
}

const reasonChange = (reason: string): Changes => ({ reason: { from: null, to: reason } });

/**
 * Sends a draft on: to approval when the setting asks for it on moves to an off-site site, else straight to
 * approved. A consignment with nothing expected in it is not sent.
 */
export function submitConsignment(db: Db, actor: Actor, id: string) {
  return transaction(db, async (tx) => {
    const before = await lockConsignment(tx, id);
    refuse("submit", before.state);
    const expected = await tx.backupConsignmentTape.count({ where: { consignmentId: id, expected: true } });
    if (expected === 0) throw new DomainError("BAD_REQUEST", "Add the cartridges expected in the case first");
    const [settings, to] = await Promise.all([
      readSettings(tx),
      tx.backupSite.findUniqueOrThrow({ where: { id: before.toSiteId } }),
    ]);
    const needsApproval = settings.approvalForOffSite && to.kind === "off_site";
    return recordStep(tx, actor, before, "submit", {
      state: needsApproval ? "awaiting_approval" : "approved",
      needsApproval,
      submittedAt: new Date(),
      submittedById: actor.id,
      rejectionReason: null,
    });
  });
}

/** An approver approves; nobody approves a consignment they created or submitted. */
export function approveConsignment(db: Db, actor: Actor, id: string) {
  return transaction(db, async (tx) => {
    const before = await lockConsignment(tx, id);
    refuse("approve", before.state);
    if (actor.id !== null && (actor.id === before.createdById || actor.id === before.submittedById))
      throw new DomainError("FORBIDDEN", "Nobody approves their own consignment: another approver must");
    return recordStep(tx, actor, before, "approve", {
      state: "approved",
      decidedAt: new Date(),
      decidedById: actor.id,
      decidedByName: actor.name,
    });
  });
}

/** An approver sends it back to draft with the reason, for its author to change and submit again. */
export function rejectConsignment(db: Db, actor: Actor, id: string, reason: string) {
  return transaction(db, async (tx) => {
    const before = await lockConsignment(tx, id);
    refuse("reject", before.state);
    if (actor.id !== null && (actor.id === before.createdById || actor.id === before.submittedById))
      throw new DomainError("FORBIDDEN", "Nobody decides on their own consignment: another approver must");
    return recordStep(
      tx,
      actor,
      before,
      "reject",
      {
        state: "draft",
        decidedAt: new Date(),
        decidedById: actor.id,
        decidedByName: actor.name,
        rejectionReason: reason,
      },
      reasonChange(reason),
    );
  });
}

/** Cancels it before dispatch: its cartridges never left, so nothing else changes. */
export function cancelConsignment(db: Db, actor: Actor, id: string, reason: string) {
  return transaction(db, async (tx) => {
    const before = await lockConsignment(tx, id);
    refuse("cancel", before.state);
    return recordStep(
      tx,
      actor,
      before,
      "cancel",
      { state: "cancelled", cancelledAt: new Date(), cancelledByName: actor.name, cancelReason: reason },
      reasonChange(reason),
    );
  });
}

export type Line = Prisma.BackupConsignmentTapeGetPayload<{ include: { tape: { select: { barcode: true } } } }>;

const linesOf = (tx: Tx, consignmentId: string): Promise<Line[]> =>
  tx.backupConsignmentTape.findMany({ where: { consignmentId }, include: { tape: { select: { barcode: true } } } });

/** Where a case's cartridges are once they reach its destination: at the site, with `custodian`. */
export const placeAt = (
  to: Pick<BackupSite, "id" | "kind" | "name" | "serviceProvider">,
  custodian: string | null,
) => ({
  kind: to.kind,
  siteId: to.id,
  site: to.name,
  shelf: null,
  locker: null,
  slot: null,
  custodian,
  serviceProvider: to.serviceProvider,
});

/** A step on a received consignment's cartridges or seal, with its own audit action. */
async function recordIncidentStep(
  tx: Tx,
  actor: Actor,
  consignment: BackupConsignment,
  action: "declare_lost" | "mark_found" | "resolve",
  changes: Changes,
) {
  await tx.backupConsignment.update({ where: { id: consignment.id }, data: { updatedAt: new Date() } });
  recordAudit(tx, { entityType: "consignment", entityId: consignment.id, action, changes, actor });
}

/**
 * Cartridges missing from a received consignment turned up at its destination: they are logged there (and
 * their incident ends), as if received late.
 */
export function markFound(db: Db, actor: Actor, input: z.output<typeof markFoundSchema>) {
  return transaction(db, async (tx) => {
    // Cartridges before the consignment, as a pushed receipt locks them: in the other order the two deadlock.
    await lockTapes(tx, input.tapeIds);
    const consignment = await lockConsignment(tx, input.id);
    refuse("markFound", consignment.state);
    const lines = (await linesOf(tx, consignment.id)).filter((line) => input.tapeIds.includes(line.tapeId));
    if (lines.length !== input.tapeIds.length)
      throw new DomainError("BAD_REQUEST", "A cartridge chosen is not in this consignment", "tapeIds");
    const notMissing = lines.filter((line) => !lineIncident(consignment.state, line)).map((line) => line.tape.barcode);
    if (notMissing.length > 0)
      throw new DomainError("CONFLICT", `${listOf(notMissing)} ${notMissing.length === 1 ? "is" : "are"} not missing`);
    const to = await tx.backupSite.findUniqueOrThrow({ where: { id: consignment.toSiteId } });
    const now = new Date();
    await writeLocations(
      tx,
      actor,
      lines.map((line) => ({
        barcode: line.tape.barcode,
        location: {
          tapeId: line.tapeId,
          occurredAt: now,
          eventId: null,
          deviceId: null,
          ...placeAt(to, to.defaultCustodian),
        },
      })),
    );
    await tx.backupConsignmentTape.updateMany({
      where: { consignmentId: consignment.id, tapeId: { in: input.tapeIds } },
      data: { scannedInAt: now },
    });
    await recordIncidentStep(tx, actor, consignment, "mark_found", {
      found: { from: null, to: barcodesOf(lines.map((line) => line.tape)) },
    });
  });
}

/** A cartridge missing from a received consignment is declared lost: an incident until resolved or found. */
export function declareLost(db: Db, actor: Actor, input: z.output<typeof declareLostSchema>) {
  return transaction(db, async (tx) => {
    const consignment = await lockConsignment(tx, input.id);
    if (!isReceived(consignment.state))
      throw new DomainError("CONFLICT", "A cartridge is declared lost once its consignment has been received");
    const line = (await linesOf(tx, consignment.id)).find((candidate) => candidate.tapeId === input.tapeId);
    if (!line) throw new DomainError("BAD_REQUEST", "This cartridge is not in this consignment", "tapeId");
    if (lineOutcome(consignment.state, line) !== "missing")
      throw new DomainError("CONFLICT", `${line.tape.barcode} is not missing`);
    await tx.backupConsignmentTape.update({
      where: { consignmentId_tapeId: { consignmentId: consignment.id, tapeId: input.tapeId } },
      data: { lostAt: new Date(), lostByName: actor.name, lostReason: input.reason },
    });
    await recordIncidentStep(tx, actor, consignment, "declare_lost", {
      lost: { from: null, to: line.tape.barcode },
      reason: { from: null, to: input.reason },
    });
  });
}

/** Closes an incident with a note: a lost cartridge's, or the seal's. */
export function resolveIncident(db: Db, actor: Actor, input: z.output<typeof resolveIncidentSchema>) {
  return transaction(db, async (tx) => {
    const consignment = await lockConsignment(tx, input.id);
    const now = new Date();
    if (input.tapeId) {
      const line = (await linesOf(tx, consignment.id)).find((candidate) => candidate.tapeId === input.tapeId);
      if (!line) throw new DomainError("BAD_REQUEST", "This cartridge is not in this consignment", "tapeId");
      if (lineIncident(consignment.state, line) !== "lost")
        throw new DomainError("CONFLICT", `${line.tape.barcode} is not an open lost-cartridge incident`);
      await tx.backupConsignmentTape.update({
        where: { consignmentId_tapeId: { consignmentId: consignment.id, tapeId: input.tapeId } },
        data: { resolvedAt: now, resolvedByName: actor.name, resolution: input.note },
      });
      await recordIncidentStep(tx, actor, consignment, "resolve", {
        cartridge: { from: null, to: line.tape.barcode },
        resolution: { from: null, to: input.note },
      });
      return;
    }
    if (!consignment.sealDiscrepancy || consignment.sealResolvedAt)
      throw new DomainError("CONFLICT", `${consignment.number} has no open seal discrepancy`);
    await tx.backupConsignment.update({
      where: { id: consignment.id },
      data: { sealResolvedAt: now, sealResolvedByName: actor.name, sealResolution: input.note },
    });
    recordAudit(tx, {
      entityType: "consignment",
      entityId: consignment.id,
      action: "resolve",
      changes: { seal: { from: consignment.sealDiscrepancy, to: null }, resolution: { from: null, to: input.note } },
      actor,
    });
  });
}

// ------------------------------------------------------------------------------------------ reads

/** Since when a consignment still in transit is overdue (dispatched before this moment). */
async function overdueBefore(db: Db | Tx, now: Date) {
  const { transitOverdueHours } = await readSettings(db);
  return new Date(now.getTime() - transitOverdueHours * 3_600_000);
}

const lineFacts = {
  expected: true,
  scannedOutAt: true,
  scannedInAt: true,
  lostAt: true,
  resolvedAt: true,
} as const;

/**
 * The cartridges `lineIncident` (lib/consignments.ts) finds an incident, as a query: not scanned in, and
 * missing (not scanned out of a case in transit, or not received in a received one) or lost and not resolved.
 */
const incidentLine: Prisma.BackupConsignmentTapeWhereInput = {
  scannedInAt: null,
  OR: [
    { lostAt: null, consignment: { state: { in: ["received", "received_with_discrepancies"] } } },
    { lostAt: null, scannedOutAt: null, consignment: { state: "in_transit" } },
    { lostAt: { not: null }, resolvedAt: null },
  ],
};

const openSealIncident: Prisma.BackupConsignmentWhereInput = { sealDiscrepancy: { not: null }, sealResolvedAt: null };

/** Consignments with an open incident: a missing cartridge, a lost one not resolved, a seal discrepancy. */
const withIncident: Prisma.BackupConsignmentWhereInput = {
  OR: [{ tapes: { some: incidentLine } }, openSealIncident],
};

const overdueInTransit = (overdueFrom: Date): Prisma.BackupConsignmentWhereInput => ({
  state: "in_transit",
  dispatchedAt: { lt: overdueFrom },
});

function filterWhere(filter: ConsignmentListFilter): Prisma.BackupConsignmentWhereInput {
  if (filter === "all") return {};
  if (filter === "open") return { state: { in: [...OPEN_CONSIGNMENT_STATES] } };
  if (filter === "incidents") return withIncident;
  return { state: filter };
}

const consignmentOrder = listOrders("consignments", { createdAt: "date" })("createdAt", "desc");

const summarySelect = {
  id: true,
  number: true,
  state: true,
  containerId: true,
  createdAt: true,
  createdByName: true,
  dispatchedAt: true,
  receivedAt: true,
  courierName: true,
  sealDiscrepancy: true,
  sealResolvedAt: true,
  fromSite: { select: { id: true, name: true, kind: true } },
  toSite: { select: { id: true, name: true, kind: true } },
  tapes: { select: lineFacts },
} satisfies Prisma.BackupConsignmentSelect;

type Summary = Prisma.BackupConsignmentGetPayload<{ select: typeof summarySelect }>;

/** What a list row shows of a consignment: counts of its cartridges by outcome, its incidents, whether overdue. */
function summaryOf({ tapes, ...consignment }: Summary, overdueFrom: Date) {
  const outcomes = tapes.map((line) => lineOutcome(consignment.state, line));
  const incidents = tapes.map((line) => lineIncident(consignment.state, line));
  return {
    ...consignment,
    expected: tapes.filter((line) => line.expected).length,
    scannedOut: tapes.filter((line) => line.scannedOutAt).length,
    received: outcomes.filter((outcome) => outcome === "received").length,
    unexpected: tapes.filter(isUnexpected).length,
    missing: incidents.filter((incident) => incident === "missing").length,
    lost: incidents.filter((incident) => incident === "lost").length,
    sealIncident: consignment.sealDiscrepancy !== null && consignment.sealResolvedAt === null,
    overdue:
      consignment.state === "in_transit" && consignment.dispatchedAt !== null && consignment.dispatchedAt < overdueFrom,
  };
}

/** Consignments newest first, filtered by state or open incidents, or found by number or case. */
export async function listConsignments(db: Db, filters: z.output<typeof consignmentListSchema>, now = new Date()) {
  const search: Prisma.BackupConsignmentWhereInput = filters.search
    ? {
        OR: [
          { number: { contains: filters.search, mode: "insensitive" } },
          { containerId: { contains: filters.search, mode: "insensitive" } },
        ],
      }
    : {};
  const [rows, overdueFrom] = await Promise.all([
    db.backupConsignment.findMany({
      where: { AND: [filterWhere(filters.filter), search, ...consignmentOrder.after(filters.cursor)] },
      orderBy: consignmentOrder.orderBy,
      take: filters.limit + 1,
      select: summarySelect,
    }),
    overdueBefore(db, now),
  ]);
  const page = consignmentOrder.page(rows, filters.limit);
  return { nextCursor: page.nextCursor, items: page.items.map((row) => summaryOf(row, overdueFrom)) };
}

/**
 * A consignment in full: its sites, every cartridge with what it came to and its data expiry, the
 * signatures, and the state history from its audit entries (oldest first).
 */
export async function getConsignment(db: Db, id: string, now = new Date()) {
  const consignment = await db.backupConsignment.findUnique({
    where: { id },
    include: {
      fromSite: true,
      toSite: true,
      tapes: {
        include: {
          tape: {
            select: {
              id: true,
              barcode: true,
              generation: true,
              mediaId: true,
              status: true,
              locations: { where: { isCurrent: true }, select: { kind: true, site: true, occurredAt: true } },
            },
          },
        },
      },
    },
  });
  if (!consignment) throw notFound("The consignment");
  const tapeIds = consignment.tapes.map((line) => line.tapeId);
  const [expiries, history, overdueFrom] = await Promise.all([
    tapeIds.length === 0
      ? []
      : db.$queryRaw<{ tape_id: string; data_expires_at: Date | null }[]>`
          SELECT jt.tape_id, max(j.expires_at) AS data_expires_at
          FROM backup_job_tape jt JOIN backup_job j ON j.id = jt.job_id
          WHERE jt.tape_id = ANY(${tapeIds}::text[]) GROUP BY jt.tape_id`,
    db.backupAuditLog.findMany({
      where: { entityType: "consignment", entityId: id },
      orderBy: { id: "asc" },
    }),
    overdueBefore(db, now),
  ]);
  const expiry = new Map(expiries.map((row) => [row.tape_id, row.data_expires_at]));
  const { tapes, ...rest } = consignment;
  const lines = tapes
    .map(({ tape: { locations, ...tape }, ...line }) => ({
      ...line,
      tape,
      location: locations[0] ?? null,
      dataExpiresAt: expiry.get(line.tapeId) ?? null,
      outcome: lineOutcome(consignment.state, line),
      unexpected: isUnexpected(line),
      incident: lineIncident(consignment.state, line),
    }))
    .sort((a, b) => (a.tape.barcode < b.tape.barcode ? -1 : 1));
  return {
    ...rest,
    lines,
    history: history.map(auditItemOf),
    overdue: rest.state === "in_transit" && rest.dispatchedAt !== null && rest.dispatchedAt < overdueFrom,
    sealIncident: rest.sealDiscrepancy !== null && rest.sealResolvedAt === null,
  };
}

/** The consignments a cartridge travelled in (or is packed in), newest first, with what it came to in each. */
export async function consignmentsOfTape(db: Db, tapeId: string) {
  const lines = await db.backupConsignmentTape.findMany({
    where: { tapeId },
    orderBy: { consignment: { createdAt: "desc" } },
    include: {
      consignment: {
        select: {
          id: true,
          number: true,
          state: true,
          dispatchedAt: true,
          receivedAt: true,
          fromSite: { select: { name: true } },
          toSite: { select: { name: true } },
        },
      },
    },
  });
  return lines.map(({ consignment, ...line }) => ({
    ...consignment,
    outcome: lineOutcome(consignment.state, line),
    unexpected: isUnexpected(line),
    incident: lineIncident(consignment.state, line),
  }));
}

/**
 * The overview's consignments: how many are in each state, those overdue in transit, and every open
 * incident (a missing or lost cartridge, a seal discrepancy), which stays here until resolved.
 */
export async function consignmentOverview(db: Db, now = new Date()) {
  const overdueFrom = await overdueBefore(db, now);
  const [byState, overdue, incidents] = await Promise.all([
    db.backupConsignment.groupBy({ by: ["state"], _count: { _all: true } }),
    db.backupConsignment.findMany({
      where: overdueInTransit(overdueFrom),
      orderBy: { dispatchedAt: "asc" },
      take: 20,
      select: summarySelect,
    }),
    db.backupConsignment.findMany({
      where: withIncident,
      orderBy: { createdAt: "desc" },
      take: 20,
      include: { tapes: { include: { tape: { select: { id: true, barcode: true } } } } },
    }),
  ]);
  const counts = Object.fromEntries(byState.map((row) => [row.state, row._count._all])) as Partial<
    Record<ConsignmentState, number>
  >;
  return {
    counts,
    overdue: overdue.map((row) => summaryOf(row, overdueFrom)),
    incidents: incidents.flatMap((consignment) => [
      ...consignment.tapes.flatMap((line) => {
        const incident = lineIncident(consignment.state, line);
        return incident
          ? [
              {
                kind: incident,
                consignmentId: consignment.id,
                number: consignment.number,
                tape: line.tape,
                reason: line.lostReason,
              },
            ]
          : [];
      }),
      ...(consignment.sealDiscrepancy && !consignment.sealResolvedAt
        ? [
            {
              kind: "seal" as const,
              consignmentId: consignment.id,
              number: consignment.number,
              tape: null,
              reason: consignment.sealDiscrepancy,
            },
          ]
        : []),
    ]),
  };
}

/**
 * What needs attention in consignments, counted whole (the overview's lists stop at 20): those overdue in
 * transit, the cartridges with an open incident (missing, or lost and not resolved) and the open seal
 * discrepancies, each with its first `examples` rows (oldest first) for the daily digest.
 */
export async function consignmentAttention(db: Db, examples: number, now = new Date()) {
  const overdueFrom = await overdueBefore(db, now);
  const [overdue, overdueRows, incidents, incidentRows, seals, sealRows] = await Promise.all([
    db.backupConsignment.count({ where: overdueInTransit(overdueFrom) }),
    db.backupConsignment.findMany({
      where: overdueInTransit(overdueFrom),
      orderBy: [{ dispatchedAt: "asc" }, { id: "asc" }],
      take: examples,
      select: {
        id: true,
        number: true,
        dispatchedAt: true,
        fromSite: { select: { name: true } },
        toSite: { select: { name: true } },
      },
    }),
    db.backupConsignmentTape.count({ where: incidentLine }),
    db.backupConsignmentTape.findMany({
      where: incidentLine,
      orderBy: [{ consignment: { createdAt: "asc" } }, { tapeId: "asc" }],
      take: examples,
      select: {
        expected: true,
        scannedOutAt: true,
        scannedInAt: true,
        lostAt: true,
        resolvedAt: true,
        tape: { select: { id: true, barcode: true } },
        consignment: { select: { id: true, number: true, state: true } },
      },
    }),
    db.backupConsignment.count({ where: openSealIncident }),
    db.backupConsignment.findMany({
      where: openSealIncident,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: examples,
      select: { id: true, number: true, sealDiscrepancy: true },
    }),
  ]);
  return {
    overdue: {
      count: overdue,
      examples: overdueRows.map(({ fromSite, toSite, ...row }) => ({
        ...row,
        fromSite: fromSite.name,
        toSite: toSite.name,
      })),
    },
    incidents: {
      count: incidents,
      examples: incidentRows.map(({ tape, consignment: { state, ...of }, ...line }) => ({
        consignment: of,
        tape,
        kind: lineIncident(state, line)!,
      })),
    },
    seals: { count: seals, examples: sealRows },
  };
}

/**
 * The consignments a phone may dispatch or receive, for its offline cache: approved or in transit, each
 * with its sites and the labels expected and scanned out, so missing and unexpected show without signal.
 */
export async function fieldConsignments(db: Db): Promise<FieldConsignment[]> {
  const rows = await db.backupConsignment.findMany({
    where: { state: { in: ["approved", "in_transit"] } },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      number: true,
      state: true,
      containerId: true,
      sealNumbers: true,
      courierName: true,
      dispatchedById: true,
      fromSite: { select: { id: true, name: true } },
      toSite: { select: { id: true, name: true } },
      tapes: { select: { expected: true, scannedOutAt: true, tape: { select: { barcode: true } } } },
    },
  });
  return rows.map(({ tapes, ...consignment }) => ({
    ...consignment,
    expected: tapes
      .filter((line) => line.expected)
      .map((line) => line.tape.barcode)
      .sort(),
    scannedOut: tapes
      .filter((line) => line.scannedOutAt)
      .map((line) => line.tape.barcode)
      .sort(),
  }));
}
