import { v7 as uuidv7 } from "uuid";
import type { z } from "zod";
import { Prisma, type BackupInventoryAudit, type BackupSite } from "../../generated/prisma/client";
import {
  auditCounts,
  auditStepRefusal,
  expectedOutcome,
  type AuditStep,
  type auditListSchema,
  type FieldAudit,
  type RegisterUnknownInput,
  type ResolveMissingInput,
  type StartAuditInput,
} from "../../lib/audits";
import { formatMoment, UTC } from "../../lib/dates";
import { describePlace } from "../../lib/tapes";
import { LOCATION_KIND_LABEL, auditScope } from "../../lib/vocabulary";
import { auditItemOf, diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { createNumbered, nextNumber } from "../db/numbering";
import { consistentRead, transaction } from "../db/transaction";
import { DomainError, isUniqueViolation, notFound } from "../errors";
import { writeLocations, type CurrentPlace, type EventOrigin, type LocationRecord } from "../locations/service";
import { listOrders } from "../pagination";
import { lockSites } from "../sites/service";
import { barcodeTaken, registerTapeInTx } from "../tapes/service";

export const AUDITED_INVENTORY_FIELDS = ["number", "siteId", "shelf", "locker", "notes", "state"] as const;

/** Where a scan came from: a phone's (or a desk's) event, its id, device and moment. */
export type ScanOrigin = EventOrigin & { occurredAt: Date };

/** Locks the audit for the rest of the transaction: its scans and steps happen one after another. */
async function lockAudit(tx: Tx, id: string): Promise<BackupInventoryAudit> {
  const locked = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM backup_inventory_audit WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) throw notFound("The audit");
  return tx.backupInventoryAudit.findUniqueOrThrow({ where: { id } });
}

/** What a scan is judged by: whether its audit is open, and if not, who ended it and when. */
type AuditStanding = Pick<
  BackupInventoryAudit,
  "id" | "number" | "state" | "closedByName" | "closedAt" | "cancelledByName" | "cancelledAt"
>;

/**
 * An audit as a pushed batch holds it: whether it is open, and which of the batch's labels it has counted
 * and which it expects.
 */
export type LockedAudit = AuditStanding & { counted: Set<string>; expected: Set<string> };

/**
 * Locks the audits a pushed batch scans for, in id order, after its cartridges: two batches scanning for the
 * same audits in different orders then queue instead of deadlocking. Returns them as they are once locked,
 * each with the labels among those `scanned` for it that it has counted already
 * (`backup_lock_audits`, migration batch_locks_read_after).
 */
export async function lockAudits(
  tx: Tx,
  scanned: { auditId: string; barcode: string }[],
): Promise<Map<string, LockedAudit>> {
  if (scanned.length === 0) return new Map();
  const ids = [...new Set(scanned.map((scan) => scan.auditId))];
  const audits = await tx.$queryRaw<(AuditStanding & { counted: string[]; expected: string[] })[]>`
    SELECT id, number, state, closed_by_name AS "closedByName", closed_at AS "closedAt",
      cancelled_by_name AS "cancelledByName", cancelled_at AS "cancelledAt", counted, expected
    FROM backup_lock_audits(${ids}::text[], ${scanned.map((scan) => scan.auditId)}::text[],
      ${scanned.map((scan) => scan.barcode)}::text[])`;
  return new Map(
    audits.map((audit) => [audit.id, { ...audit, counted: new Set(audit.counted), expected: new Set(audit.expected) }]),
  );
}

const refuse = (step: AuditStep, audit: BackupInventoryAudit) => {
  const reason = auditStepRefusal(step, audit);
  if (reason) throw new DomainError("CONFLICT", reason);
};

/**
 * The cartridges an audit of `site` (and `shelf` or `locker`) expects: every one not destroyed whose current
 * location names the site and, when given, that shelf or locker, compared trimmed and in any case.
 */
async function expectedAt(tx: Tx, siteId: string, shelf: string | null, locker: string | null) {
  return tx.$queryRaw<{ id: string; barcode: string }[]>`
    SELECT t.id, t.barcode
    FROM backup_tape_cartridge t JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
    WHERE l.site_id = ${siteId} AND t.status <> 'destroyed'
      AND (${shelf}::text IS NULL OR lower(btrim(l.shelf)) = lower(btrim(${shelf}::text)))
      AND (${locker}::text IS NULL OR lower(btrim(l.locker)) = lower(btrim(${locker}::text)))
    ORDER BY t.barcode`;
}

/**
 * Starts an audit, numbered I-<year>-<n>: the cartridges the catalogue places there now become its expected
 * list, frozen, so moves logged while it runs do not change what it checks.
 */
export function startAudit(db: Db, actor: Actor, input: StartAuditInput) {
  return createNumbered(db, async (tx) => {
    const site = (await lockSites(tx, [input.siteId])).get(input.siteId);
    if (!site) throw new DomainError("BAD_REQUEST", "The site is not known: choose one from the list", "siteId");
    if (!site.active) throw new DomainError("BAD_REQUEST", `${site.name} is retired: choose another site`, "siteId");
    const expected = await expectedAt(tx, site.id, input.shelf, input.locker);
    const audit = await tx.backupInventoryAudit.create({
      data: {
        ...input,
        ...(await nextNumber(tx, "backup_inventory_audit")),
        startedById: actor.id,
        startedByName: actor.name,
        expected: { create: expected.map((tape) => ({ tapeId: tape.id })) },
      },
    });
    recordAudit(tx, {
      entityType: "inventory_audit",
      entityId: audit.id,
      action: "create",
      changes: {
        ...diffFields(null, audit, AUDITED_INVENTORY_FIELDS),
        expected: { from: null, to: expected.map((tape) => tape.barcode) },
      },
      actor,
    });
    return audit;
  });
}

/** Why a scan for an audit that is no longer open was not counted, naming who ended it and when (UTC). */
function notOpenReason(audit: AuditStanding): string {
  if (audit.state === "closed")
    return `Audit ${audit.number} was closed by ${audit.closedByName ?? "—"} at ${formatMoment(audit.closedAt, UTC)} UTC; this scan was not counted`;
  return `Audit ${audit.number} was cancelled by ${audit.cancelledByName ?? "—"} at ${formatMoment(audit.cancelledAt, UTC)} UTC; this scan was not counted`;
}

/**
 * Why a scan for `audit` (locked by the caller; undefined when no audit has the id) cannot count, or null
 * when the audit is open. Checked before anything of the scan is written.
 */
export function scanRefusal(audit: AuditStanding | undefined): string | null {
  if (!audit) return notFound("The audit").message;
  return audit.state === "open" ? null : notOpenReason(audit);
}

/** One label scanned for an open audit: `tapeId` is the cartridge with that label, or null when none has it. */
export type ScanRecord = { auditId: string; barcode: string; tapeId: string | null; origin: ScanOrigin };

/**
 * Writes a batch of scans for open audits, locked by the caller with the labels they have counted and
 * expect (`lockAudits`), for cartridges locked with where each is now (`current`, by cartridge id), in one
 * statement. The first scan of a label for an audit counts and fixes its outcome: on the expected list,
 * present; a cartridge the catalogue has elsewhere, misplaced, with where it has it; else unknown. A later
 * scan of the same label, earlier in the batch or before it, from any device or person, changes nothing.
 */
export async function writeScans(
  tx: Tx,
  actor: Actor,
  scans: ScanRecord[],
  audits: ReadonlyMap<string, LockedAudit>,
  current: ReadonlyMap<string, CurrentPlace>,
): Promise<void> {
  const inBatch = new Set<string>();
  const rows = scans.flatMap((scan) => {
    const audit = audits.get(scan.auditId)!;
    const scanKey = `${scan.auditId}\u0000${scan.barcode}`;
    if (audit.counted.has(scan.barcode) || inBatch.has(scanKey)) return [];
    inBatch.add(scanKey);
    const outcome = audit.expected.has(scan.barcode) ? "present" : scan.tapeId ? "misplaced" : "unknown";
    const place = scan.tapeId ? current.get(scan.tapeId) : null;
    return [
      {
        id: uuidv7(),
        auditId: scan.auditId,
        barcode: scan.barcode,
        tapeId: scan.tapeId,
        outcome,
        // Where the catalogue has a misplaced cartridge, in words ("Annex · shelf C-3").
        catalogueLocation:
          outcome !== "misplaced"
            ? null
            : place
              ? describePlace(place) || LOCATION_KIND_LABEL[place.kind]
              : "no location recorded",
        scannedAt: scan.origin.occurredAt,
        eventId: scan.origin.eventId,
        deviceId: scan.origin.deviceId,
      },
    ];
  });
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO backup_inventory_scan (id, audit_id, barcode, tape_id, outcome, catalogue_location, scanned_at,
      scanned_by_id, scanned_by_name, event_id, device_id)
    SELECT id, "auditId", barcode, "tapeId", outcome, "catalogueLocation", "scannedAt", ${actor.id}, ${actor.name},
      "eventId", "deviceId"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id text, "auditId" text, barcode text,
      "tapeId" text, outcome "InventoryScanOutcome", "catalogueLocation" text, "scannedAt" timestamp(3),
      "eventId" text, "deviceId" text)`;
}

/** The counts of an audit, and the barcodes behind them, as its scans and expected list stand now. */
async function tally(tx: Tx, audit: BackupInventoryAudit) {
  const [expected, scans] = await Promise.all([
    tx.backupInventoryExpected.findMany({
      where: { auditId: audit.id },
      select: { tapeId: true, tape: { select: { barcode: true } } },
    }),
    tx.backupInventoryScan.findMany({
      where: { auditId: audit.id },
      select: { barcode: true, tapeId: true, outcome: true, scannedAt: true },
      orderBy: { barcode: "asc" },
    }),
  ]);
  const present = new Set(scans.filter((scan) => scan.outcome === "present").map((scan) => scan.tapeId));
  const unscanned = expected.filter((line) => !present.has(line.tapeId));
  const barcodes = (outcome: string) => scans.filter((scan) => scan.outcome === outcome).map((scan) => scan.barcode);
  return {
    counts: auditCounts(
      expected.map((line) => line.tapeId),
      scans,
    ),
    scans,
    unscanned,
    lists: {
      present: barcodes("present"),
      misplaced: barcodes("misplaced"),
      unknown: barcodes("unknown"),
      missing: unscanned.map((line) => line.tape.barcode).sort(),
    },
  };
}

/**
 * Closes an open audit: its result is frozen, and the audit entry keeps the counts and every label by
 * outcome, so the record of what was found is sealed in the audit chain.
 */
export function closeAudit(db: Db, actor: Actor, id: string) {
  return transaction(db, async (tx) => {
    const before = await lockAudit(tx, id);
    refuse("close", before);
    const { counts, lists } = await tally(tx, before);
    const after = await tx.backupInventoryAudit.update({
      where: { id },
      data: { state: "closed", closedAt: new Date(), closedById: actor.id, closedByName: actor.name },
    });
    recordAudit(tx, {
      entityType: "inventory_audit",
      entityId: id,
      action: "close",
      changes: {
        ...diffFields(before, after, AUDITED_INVENTORY_FIELDS),
        counts: { from: null, to: counts },
        ...Object.fromEntries(Object.entries(lists).map(([outcome, list]) => [outcome, { from: null, to: list }])),
      },
      actor,
    });
    return after;
  });
}

/** Cancels an open audit with the reason: nothing it found is acted on. */
export function cancelAudit(db: Db, actor: Actor, id: string, reason: string) {
  return transaction(db, async (tx) => {
    const before = await lockAudit(tx, id);
    refuse("cancel", before);
    const after = await tx.backupInventoryAudit.update({
      where: { id },
      data: { state: "cancelled", cancelledAt: new Date(), cancelledByName: actor.name, cancelReason: reason },
    });
    recordAudit(tx, {
      entityType: "inventory_audit",
      entityId: id,
      action: "cancel",
      changes: { ...diffFields(before, after, AUDITED_INVENTORY_FIELDS), reason: { from: null, to: reason } },
      actor,
    });
    return after;
  });
}

/** A location at the audited place: the site, and the audit's shelf or locker. */
function auditedPlace(
  site: BackupSite,
  audit: BackupInventoryAudit,
): Omit<LocationRecord["location"], "tapeId" | "occurredAt" | "eventId" | "deviceId"> {
  return {
    kind: site.kind,
    siteId: site.id,
    site: site.name,
    shelf: audit.shelf,
    locker: audit.locker,
    slot: null,
    custodian: site.defaultCustodian,
    serviceProvider: site.serviceProvider,
  };
}

/**
 * Applies a closed audit's corrections, once: each misplaced cartridge is logged where it was scanned (at
 * the moment it was scanned, so a move logged since stays current), through the one writer of locations;
 * each expected cartridge not scanned is marked missing, an incident until resolved.
 */
export function applyCorrections(db: Db, actor: Actor, id: string) {
  return transaction(db, async (tx) => {
    // The cartridges first, then the audit, as a pushed scan locks them: in the other order the two deadlock.
    const misplaced = await tx.backupInventoryScan.findMany({
      where: { auditId: id, outcome: "misplaced", tapeId: { not: null } },
      select: { tapeId: true },
    });
    await tx.$queryRaw`SELECT id FROM backup_tape_cartridge
      WHERE id = ANY(${misplaced.map((scan) => scan.tapeId!)}::text[]) ORDER BY id FOR UPDATE`;
    const audit = await lockAudit(tx, id);
    refuse("applyCorrections", audit);
    const { scans, unscanned } = await tally(tx, audit);
    const moves = scans.filter((scan) => scan.outcome === "misplaced" && scan.tapeId !== null);
    const site = await tx.backupSite.findUniqueOrThrow({ where: { id: audit.siteId } });
    if (moves.length > 0 && !site.active)
      throw new DomainError("CONFLICT", `${site.name} is retired: its misplaced cartridges cannot be logged there`);
    await writeLocations(
      tx,
      actor,
      moves.map((scan) => ({
        barcode: scan.barcode,
        location: {
          ...auditedPlace(site, audit),
          tapeId: scan.tapeId!,
          occurredAt: scan.scannedAt,
          eventId: null,
          deviceId: null,
        },
      })),
    );
    const now = new Date();
    await tx.backupInventoryExpected.updateMany({
      where: { auditId: id, tapeId: { in: unscanned.map((line) => line.tapeId) } },
      data: { missingAt: now },
    });
    await tx.backupInventoryAudit.update({
      where: { id },
      data: { correctedAt: now, correctedByName: actor.name },
    });
    recordAudit(tx, {
      entityType: "inventory_audit",
      entityId: id,
      action: "apply_corrections",
      changes: {
        relocated: { from: null, to: moves.map((scan) => scan.barcode) },
        missing: { from: null, to: unscanned.map((line) => line.tape.barcode).sort() },
      },
      actor,
    });
  });
}

/** Closes a missing cartridge's incident with how it was resolved. */
export function resolveMissing(db: Db, actor: Actor, input: ResolveMissingInput) {
  return transaction(db, async (tx) => {
    const audit = await lockAudit(tx, input.auditId);
    const line = await tx.backupInventoryExpected.findUnique({
      where: { auditId_tapeId: { auditId: audit.id, tapeId: input.tapeId } },
      include: { tape: { select: { barcode: true } } },
    });
    if (!line) throw new DomainError("BAD_REQUEST", `This cartridge is not on audit ${audit.number}'s list`, "tapeId");
    if (!line.missingAt || line.resolvedAt)
      throw new DomainError("CONFLICT", `${line.tape.barcode} is not an open missing-cartridge incident`);
    await tx.backupInventoryExpected.update({
      where: { auditId_tapeId: { auditId: audit.id, tapeId: input.tapeId } },
      data: { resolvedAt: new Date(), resolvedByName: actor.name, resolution: input.resolution },
    });
    recordAudit(tx, {
      entityType: "inventory_audit",
      entityId: audit.id,
      action: "resolve",
      changes: {
        cartridge: { from: null, to: line.tape.barcode },
        resolution: { from: null, to: input.resolution },
      },
      actor,
    });
  });
}

/**
 * Registers a label an open audit found unknown, through the catalogue's own registration, placed where the
 * audit is; the scan is linked to the new cartridge and keeps its outcome (the report says it was
 * registered during the audit).
 */
export async function registerUnknown(db: Db, actor: Actor, input: RegisterUnknownInput) {
  const { auditId, ...registration } = input;
  const barcode = registration.barcode.barcode;
  try {
    return await transaction(db, async (tx) => {
      const audit = await lockAudit(tx, auditId);
      refuse("registerUnknown", audit);
      const scan = await tx.backupInventoryScan.findUnique({ where: { auditId_barcode: { auditId, barcode } } });
      if (!scan || scan.outcome !== "unknown" || scan.tapeId !== null)
        throw new DomainError("CONFLICT", `${barcode} was not scanned as an unknown label in audit ${audit.number}`);
      const site = await tx.backupSite.findUniqueOrThrow({ where: { id: audit.siteId } });
      const tape = await registerTapeInTx(tx, actor, registration);
      await writeLocations(tx, actor, [
        {
          barcode,
          location: {
            ...auditedPlace(site, audit),
            tapeId: tape.id,
            occurredAt: new Date(),
            eventId: null,
            deviceId: null,
          },
        },
      ]);
      await tx.backupInventoryScan.update({ where: { id: scan.id }, data: { tapeId: tape.id } });
      recordAudit(tx, {
        entityType: "inventory_audit",
        entityId: auditId,
        action: "update",
        changes: { registered: { from: null, to: barcode } },
        actor,
      });
      return tape;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw barcodeTaken(barcode);
    throw error;
  }
}

// ------------------------------------------------------------------------------------------ reads

const auditOrder = listOrders("audits", { startedAt: "date" })("startedAt", "desc");

const summarySelect = {
  id: true,
  number: true,
  state: true,
  shelf: true,
  locker: true,
  startedAt: true,
  startedByName: true,
  closedAt: true,
  closedByName: true,
  cancelledAt: true,
  correctedAt: true,
  site: { select: { id: true, name: true } },
  expected: { select: { tapeId: true, missingAt: true, resolvedAt: true } },
  scans: { select: { outcome: true } },
} satisfies Prisma.BackupInventoryAuditSelect;

type Summary = Prisma.BackupInventoryAuditGetPayload<{ select: typeof summarySelect }>;

function summaryOf({ expected, scans, ...audit }: Summary) {
  return {
    ...audit,
    scope: auditScope(audit),
    counts: auditCounts(
      expected.map((line) => line.tapeId),
      scans,
    ),
    openIncidents: expected.filter((line) => line.missingAt && !line.resolvedAt).length,
  };
}

/** Audits newest first, of one site or in one state; counts of an open one are as its scans stand now. */
export async function listAudits(db: Db, filters: z.output<typeof auditListSchema>) {
  const rows = await db.backupInventoryAudit.findMany({
    where: {
      AND: [
        filters.siteId ? { siteId: filters.siteId } : {},
        filters.state ? { state: filters.state } : {},
        ...auditOrder.after(filters.cursor),
      ],
    },
    orderBy: auditOrder.orderBy,
    take: filters.limit + 1,
    select: summarySelect,
  });
  const page = auditOrder.page(rows, filters.limit);
  return { nextCursor: page.nextCursor, items: page.items.map(summaryOf) };
}

/**
 * An audit in full: its site and scope, the counts, each expected cartridge with what it came to, each scan
 * with its outcome and where the catalogue had a misplaced cartridge, and its history (oldest first).
 */
export async function getAudit(db: Db, id: string) {
  const { audit, history } = await consistentRead(db, async (tx) => ({
    audit: await tx.backupInventoryAudit.findUnique({
      where: { id },
      include: {
        site: { select: { id: true, name: true, kind: true, address: true, active: true } },
        expected: { include: { tape: { select: { barcode: true, mediaId: true, status: true } } } },
        scans: { orderBy: { scannedAt: "asc" } },
      },
    }),
    history: await tx.backupAuditLog.findMany({
      where: { entityType: "inventory_audit", entityId: id },
      orderBy: { id: "asc" },
    }),
  }));
  if (!audit) throw notFound("The audit");
  const { expected, scans, ...rest } = audit;
  const scanOf = new Map(scans.filter((scan) => scan.tapeId).map((scan) => [scan.tapeId!, scan]));
  const lines = expected
    .map(({ tape, ...line }) => {
      const scan = scanOf.get(line.tapeId);
      const scanned = scan?.outcome === "present";
      return {
        ...line,
        barcode: tape.barcode,
        mediaId: tape.mediaId,
        status: tape.status,
        scanned,
        scannedAt: scanned ? scan!.scannedAt : null,
        scannedByName: scanned ? scan!.scannedByName : null,
        outcome: expectedOutcome(audit.state, scanned),
        incident: line.missingAt !== null && line.resolvedAt === null,
      };
    })
    .sort((a, b) => (a.barcode < b.barcode ? -1 : 1));
  return {
    ...rest,
    scope: auditScope(audit),
    counts: auditCounts(
      expected.map((line) => line.tapeId),
      scans,
    ),
    expected: lines,
    scans: scans.map((scan) => ({
      id: scan.id,
      barcode: scan.barcode,
      tapeId: scan.tapeId,
      outcome: scan.outcome,
      catalogueLocation: scan.catalogueLocation,
      scannedAt: scan.scannedAt,
      scannedByName: scan.scannedByName,
      recordedAt: scan.recordedAt,
      /** An unknown label registered as a cartridge from the audit. */
      registered: scan.outcome === "unknown" && scan.tapeId !== null,
    })),
    history: history.map(auditItemOf),
  };
}

/**
 * The open audits a phone may scan for, for its offline cache: each with its site and scope, the labels
 * expected and those already scanned by anyone.
 */
export async function fieldAudits(db: Db): Promise<FieldAudit[]> {
  const rows = await consistentRead(db, (tx) =>
    tx.backupInventoryAudit.findMany({
      where: { state: "open" },
      orderBy: { startedAt: "asc" },
      select: {
        id: true,
        number: true,
        state: true,
        shelf: true,
        locker: true,
        site: { select: { id: true, name: true } },
        expected: { select: { tape: { select: { barcode: true } } } },
        scans: { select: { barcode: true } },
      },
    }),
  );
  return rows.map(({ site, expected, scans, ...audit }) => ({
    ...audit,
    siteId: site.id,
    siteName: site.name,
    expected: expected.map((line) => line.tape.barcode).sort(),
    scanned: scans.map((scan) => scan.barcode).sort(),
  }));
}
