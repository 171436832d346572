import type { z } from "zod";
import { Prisma, type BackupConsignment, type BackupSite } from "../../generated/prisma/client";
import type { CapabilityHolder } from "../../lib/capabilities";
import {
  isReceived,
  isUnexpected,
  lineIncident,
  lineOutcome,
  OPEN_CONSIGNMENT_STATES,
  sealsMatch,
  stepRefusal,
  type ConsignmentInput,
  type ConsignmentListFilter,
  type ConsignmentState,
  type ConsignmentStep,
  type consignmentListSchema,
  type declareLostSchema,
  type DispatchInput,
  type FieldConsignment,
  type markFoundSchema,
  type ReceiptInput,
  type resolveIncidentSchema,
} from "../../lib/consignments";
import { auditItemOf, diffFields, recordAudit, type Actor, type Changes } from "../audit/service";
import type { Db, Tx } from "../db";
import { createNumbered, nextNumber } from "../db/numbering";
import { transaction } from "../db/transaction";
import { DomainError, notFound } from "../errors";
import type { CustodyRecord } from "../custody/service";
import { signatureProblem } from "../custody/signature";
import { writeLocations, type EventOrigin, type LocationRecord } from "../locations/service";
import { listOrders } from "../pagination";
import { readSettings } from "../settings/service";
import { lockSites, sitePlacementProblem } from "../sites/service";
import { receiptRefusal } from "../../lib/capabilities";

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

/**
 * A dispatch or receipt its rules allowed: its cartridges' moves and hand-offs, for the caller to write with
 * the rest of its batch through writeLocations and writeCustody, and `record`, which writes the
 * consignment's own lines, state and audit entry at once (a later step of the same case reads them).
 */
export type PreparedStep = { moves: LocationRecord[]; handoffs: CustodyRecord[]; record: () => Promise<void> };

const refuse = (step: ConsignmentStep, state: ConsignmentState) => {
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
/** A cartridge a step scanned, locked by the batch it came in. */
type ScannedTape = Pick<LockedTape, "id" | "barcode">;

/** Locks cartridges by id (in id order, as every writer does) and reads where each is now. */
async function lockTapes(tx: Tx, ids: string[]): Promise<LockedTape[]> {
  return tx.$queryRaw<LockedTape[]>`
    SELECT t.id, t.barcode, t.status::text AS status, l.site_id, l.kind::text AS kind
    FROM (SELECT * FROM backup_tape_cartridge WHERE id = ANY(${ids}::text[]) ORDER BY id FOR UPDATE) t
    LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
    ORDER BY t.id`;
}

const listOf = (barcodes: string[]) =>
  barcodes.length <= 5 ? barcodes.join(", ") : `${barcodes.slice(0, 5).join(", ")} and ${barcodes.length - 5} more`;

/** The cartridges already in another open consignment, which cannot be in a second one. */
async function refuseTapesElsewhere(tx: Tx, tapes: ScannedTape[], consignmentId: string | null) {
  if (tapes.length === 0) return;
  const taken = await tx.$queryRaw<{ barcode: string; number: string }[]>`
    SELECT t.barcode, c.number
    FROM backup_consignment_tape ct
    JOIN backup_consignment c ON c.id = ct.consignment_id
    JOIN backup_tape_cartridge t ON t.id = ct.tape_id
    WHERE ct.tape_id = ANY(${tapes.map((tape) => tape.id)}::text[])
      AND c.state::text = ANY(${[...OPEN_CONSIGNMENT_STATES]}::text[])
      AND (${consignmentId}::text IS NULL OR c.id <> ${consignmentId})
    ORDER BY t.barcode`;
  if (taken.length > 0) {
    const first = taken[0]!;
    throw new DomainError(
      "CONFLICT",
      taken.length === 1
        ? `${first.barcode} is already in consignment ${first.number}`
        : `${listOf(taken.map((row) => row.barcode))} are already in other open consignments (${first.barcode} in ${first.number})`,
      "tapeIds",
    );
  }
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
  await refuseTapesElsewhere(tx, tapes, consignmentId);
  return { from, to, tapes };
}

const barcodesOf = (tapes: { barcode: string }[]) => tapes.map((tape) => tape.barcode).sort();

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

type Line = Prisma.BackupConsignmentTapeGetPayload<{ include: { tape: { select: { barcode: true } } } }>;

const linesOf = (tx: Tx, consignmentId: string): Promise<Line[]> =>
  tx.backupConsignmentTape.findMany({ where: { consignmentId }, include: { tape: { select: { barcode: true } } } });

/**
 * The scanned cartridges, in id order, among those the step's batch locked by label (`locked`, barcode to
 * id); a label no cartridge has fails the step with the labels named.
 */
function scannedTapes(locked: ReadonlyMap<string, string>, barcodes: string[]): ScannedTape[] {
  const unknown = barcodes.filter((barcode) => !locked.has(barcode));
  if (unknown.length > 0)
    throw new DomainError(
      "BAD_REQUEST",
      `No cartridge is registered with the label ${listOf(unknown)}: leave ${unknown.length === 1 ? "it" : "them"} out of the case`,
    );
  return barcodes
    .map((barcode) => ({ id: locked.get(barcode)!, barcode }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Records the cartridges scanned at a step, adding those not on the list as unexpected lines. */
async function markScanned(
  tx: Tx,
  consignmentId: string,
  tapes: ScannedTape[],
  added: ScannedTape[],
  scanned: { scannedOutAt: Date } | { scannedInAt: Date },
) {
  await tx.backupConsignmentTape.createMany({
    data: added.map((tape) => ({ consignmentId, tapeId: tape.id, expected: false })),
  });
  await tx.backupConsignmentTape.updateMany({
    where: { consignmentId, tapeId: { in: tapes.map((tape) => tape.id) } },
    data: scanned,
  });
}

/**
 * Whether the consignment as it now stands differs from what was planned: a cartridge missing or lost,
 * one that was not on its list, or a seal found broken or with other numbers than at dispatch.
 */
function hasDiscrepancies(consignment: BackupConsignment, lines: Line[]): boolean {
  const state: ConsignmentState = "received";
  return (
    consignment.sealIntact === false ||
    consignment.sealDiscrepancy !== null ||
    lines.some((line) => isUnexpected(line) || lineOutcome(state, line) !== "received")
  );
}

/** The one signature for a whole case goes on each cartridge's hand-off: held to the rule every hand-off's is. */
function refuseSignature(signature: string) {
  const problem = signatureProblem(signature);
  if (problem) throw new DomainError("BAD_REQUEST", problem, "signature");
}

/** Where a case's cartridges are once they reach its destination: at the site, with `custodian`. */
const placeAt = (to: BackupSite, custodian: string | null) => ({
  kind: to.kind,
  siteId: to.id,
  site: to.name,
  shelf: null,
  locker: null,
  slot: null,
  custodian,
  serviceProvider: to.serviceProvider,
});

type RowOrigin = "tapeId" | "occurredAt" | "eventId" | "deviceId";

/**
 * A case's cartridges moved to one place and handed over together, by one event: only the first row can
 * carry the event's id (the rows' event ids are unique).
 */
function caseRows(
  tapes: ScannedTape[],
  origin: StepOrigin,
  place: Omit<LocationRecord["location"], RowOrigin>,
  handoff: Omit<CustodyRecord["handoff"], RowOrigin>,
): Pick<PreparedStep, "moves" | "handoffs"> {
  const rowOrigin = (tape: ScannedTape, index: number) => ({
    tapeId: tape.id,
    occurredAt: origin.occurredAt,
    eventId: index === 0 ? origin.eventId : null,
    deviceId: origin.deviceId,
  });
  return {
    moves: tapes.map((tape, index) => ({ barcode: tape.barcode, location: { ...place, ...rowOrigin(tape, index) } })),
    handoffs: tapes.map((tape, index) => ({
      barcode: tape.barcode,
      handoff: { ...handoff, ...rowOrigin(tape, index) },
    })),
  };
}

/** The party a case is handed over by at a site: its usual custodian, else the site itself. */
const partyAt = (site: Pick<BackupSite, "name" | "defaultCustodian">) => site.defaultCustodian ?? site.name;

/**
 * Dispatch, applied once from a phone's event, its scanned cartridges among those its batch locked
 * (`locked`). Everything its rules refuse is found before anything is written: the returned step writes it,
 * and fails only if the database does. Every scanned cartridge is logged in transit and handed from the
 * sending site to the courier, with the courier's one signature for the case, through the same writers as
 * every other move. Cartridges scanned that were not expected are added as unexpected;
 * expected ones not scanned stay where they are and show as missing. A receipt recorded before this
 * dispatch reached the server keeps its state: the dispatch then only adds what happened at the start.
 */
export async function prepareDispatch(
  tx: Tx,
  actor: ConsignmentActor,
  input: DispatchInput,
  origin: StepOrigin,
  locked: ReadonlyMap<string, string>,
): Promise<PreparedStep> {
  refuseSignature(input.signature);
  const before = await lockConsignment(tx, input.consignmentId);
  const late = isReceived(before.state) && before.dispatchedAt === null;
  if (!late) refuse("dispatch", before.state);
  const tapes = scannedTapes(locked, input.barcodes);
  const lines = await linesOf(tx, before.id);
  const onList = new Map(lines.map((line) => [line.tapeId, line]));
  const added = tapes.filter((tape) => !onList.has(tape.id));
  await refuseTapesElsewhere(tx, added, before.id);
  const from = await tx.backupSite.findUniqueOrThrow({ where: { id: before.fromSiteId } });

  return {
    ...caseRows(
      tapes,
      origin,
      {
        kind: "in_transit",
        siteId: null,
        site: null,
        shelf: null,
        locker: null,
        slot: null,
        custodian: input.courierName,
        serviceProvider: from.serviceProvider,
      },
      {
        fromParty: partyAt(from),
        toParty: input.courierName,
        signerName: input.courierName,
        signature: input.signature,
        containerId: before.containerId,
        sealNumber: input.sealNumbers.join(", "),
        notes: `Consignment ${before.number} dispatched${input.notes ? `: ${input.notes}` : ""}`,
      },
    ),
    record: async () => {
      await markScanned(tx, before.id, tapes, added, { scannedOutAt: origin.occurredAt });
      const scanned = new Set(tapes.map((tape) => tape.id));
      const missing = lines
        .filter((line) => line.expected && !scanned.has(line.tapeId))
        .map((line) => line.tape.barcode);
      const settled = late ? await settledReceipt(tx, before, input.sealNumbers) : null;
      await recordStep(
        tx,
        actor,
        before,
        "dispatch",
        {
          state: settled?.state ?? "in_transit",
          dispatchedAt: origin.occurredAt,
          dispatchedById: actor.id,
          dispatchedByName: actor.name,
          courierName: input.courierName,
          dispatchSignature: input.signature,
          sealNumbers: input.sealNumbers,
          dispatchEventId: origin.eventId,
          sealDiscrepancy: settled?.sealDiscrepancy,
        },
        {
          sealNumbers: { from: null, to: input.sealNumbers },
          courier: { from: null, to: input.courierName },
          scannedOut: { from: null, to: barcodesOf(tapes) },
          ...(missing.length > 0 && { missing: { from: null, to: missing.sort() } }),
          ...(added.length > 0 && { unexpected: { from: null, to: barcodesOf(added) } }),
          ...(input.notes && { notes: { from: null, to: input.notes } }),
          ...(settled &&
            settled.sealDiscrepancy !== before.sealDiscrepancy && {
              sealDiscrepancy: { from: before.sealDiscrepancy, to: settled.sealDiscrepancy },
            }),
        },
      );
    },
  };
}

/**
 * After a late dispatch (its cartridges' lines already written), what a received consignment's state and
 * seal discrepancy become: whether anything differed from the plan, the dispatch's seals included. They are
 * written with the dispatch's own audit entry, so the history shows the change.
 */
async function settledReceipt(tx: Tx, consignment: BackupConsignment, sealNumbers: string[]) {
  const lines = await linesOf(tx, consignment.id);
  const mismatch = sealNumbers.length > 0 && !sealsMatch(sealNumbers, consignment.receivedSealNumbers);
  const sealDiscrepancy =
    mismatch && !consignment.sealDiscrepancy
      ? sealMismatchText(sealNumbers, consignment.receivedSealNumbers)
      : consignment.sealDiscrepancy;
  const state: ConsignmentState = hasDiscrepancies({ ...consignment, sealDiscrepancy }, lines)
    ? "received_with_discrepancies"
    : "received";
  return { state, sealDiscrepancy };
}

const sealMismatchText = (dispatched: string[], received: string[]) =>
  `The seal numbers at receipt (${received.join(", ") || "none"}) differ from those at dispatch (${dispatched.join(", ")})`;

/**
 * Receipt at the destination, applied once, checked first and written by the returned step as dispatch is:
 * the scanned cartridges are logged at the destination site and handed from the courier to the receiver,
 * who signs for the case. The seal is checked against the dispatch's numbers. A second receipt of the same
 * consignment, from another device, is refused with who received it first. A courier receives only a
 * consignment they dispatched.
 */
export async function prepareReceipt(
  tx: Tx,
  actor: ConsignmentActor,
  input: ReceiptInput,
  origin: StepOrigin,
  locked: ReadonlyMap<string, string>,
): Promise<PreparedStep> {
  refuseSignature(input.signature);
  const before = await lockConsignment(tx, input.consignmentId);
  if (before.receivedAt)
    throw new DomainError(
      "CONFLICT",
      `${before.number} was already received by ${before.receivedByName ?? "someone else"}${before.receiverName ? ` (signed by ${before.receiverName})` : ""}; this receipt was not applied`,
    );
  // Received before its dispatch reached the server: the dispatch, applied later, fills in the rest.
  const early = before.state === "approved";
  if (!early) refuse("receive", before.state);
  const refused = receiptRefusal(actor, before.dispatchedById);
  if (refused) throw new DomainError("FORBIDDEN", refused);
  const tapes = scannedTapes(locked, input.barcodes);
  const lines = await linesOf(tx, before.id);
  const onList = new Set(lines.map((line) => line.tapeId));
  const added = tapes.filter((tape) => !onList.has(tape.id));
  const to = await tx.backupSite.findUniqueOrThrow({ where: { id: before.toSiteId } });
  const placement = sitePlacementProblem(to, to.kind);
  if (placement) throw new DomainError("CONFLICT", `${before.number} cannot be received: ${placement}`);

  return {
    ...caseRows(tapes, origin, placeAt(to, to.defaultCustodian ?? input.receiverName), {
      fromParty: before.courierName ?? "Courier",
      toParty: input.receiverName,
      signerName: input.receiverName,
      signature: input.signature,
      containerId: before.containerId,
      sealNumber: input.sealNumbers.join(", ") || null,
      notes: `Consignment ${before.number} received${input.notes ? `: ${input.notes}` : ""}`,
    }),
    record: async () => {
      await markScanned(tx, before.id, tapes, added, { scannedInAt: origin.occurredAt });
      const mismatch = !early && !sealsMatch(before.sealNumbers, input.sealNumbers);
      const sealDiscrepancy =
        [input.sealDiscrepancy, mismatch ? sealMismatchText(before.sealNumbers, input.sealNumbers) : null]
          .filter(Boolean)
          .join(". ") || null;
      const received = { ...before, sealIntact: input.sealIntact, sealDiscrepancy };
      const scanned = new Set(tapes.map((tape) => tape.id));
      const outcome = lines.map((line) => ({
        ...line,
        scannedInAt: scanned.has(line.tapeId) ? origin.occurredAt : line.scannedInAt,
      }));
      const withAdded = [...outcome, ...added.map(() => ({ expected: false }) as Line)];
      const discrepancies = hasDiscrepancies(received, withAdded);
      const missing = outcome.filter((line) => !line.scannedInAt).map((line) => line.tape.barcode);
      await recordStep(
        tx,
        actor,
        before,
        "receive",
        {
          state: discrepancies ? "received_with_discrepancies" : "received",
          receivedAt: origin.occurredAt,
          receivedById: actor.id,
          receivedByName: actor.name,
          receiverName: input.receiverName,
          receiptSignature: input.signature,
          receiptEventId: origin.eventId,
          sealIntact: input.sealIntact,
          receivedSealNumbers: input.sealNumbers,
          sealDiscrepancy,
        },
        {
          sealIntact: { from: null, to: input.sealIntact },
          receivedSealNumbers: { from: null, to: input.sealNumbers },
          ...(sealDiscrepancy && { sealDiscrepancy: { from: null, to: sealDiscrepancy } }),
          receiver: { from: null, to: input.receiverName },
          scannedIn: { from: null, to: barcodesOf(tapes) },
          ...(missing.length > 0 && { missing: { from: null, to: missing.sort() } }),
          ...(added.length > 0 && { unexpected: { from: null, to: barcodesOf(added) } }),
          ...(input.notes && { notes: { from: null, to: input.notes } }),
        },
      );
    },
  };
}

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
