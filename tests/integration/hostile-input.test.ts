import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import { v7 as uuidv7 } from "uuid";
import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { OPEN_CONSIGNMENT_STATES } from "../../lib/consignments";
import { toDateInput } from "../../lib/dates";
import { correctedTime } from "../../lib/sync/clock";
import { syncEventSchema, type EventResult } from "../../lib/sync/events";
import { cursorCodec } from "../../server/pagination";
import { appRouter } from "../../server/root";
import { createCustody, createJob, createLocation, createTape, nextBarcode } from "../factories/backup";
import { destructionInput } from "../factories/destruction";
import { jobInput } from "../factories/jobs";
import {
  auditScanEvent,
  custodyEvent,
  dispatchEvent,
  locationEvent,
  receiptEvent,
  tapeRegisteredEvent,
} from "../factories/sync-events";
import { linkTape } from "../factories/tape-jobs";
import { createTestUser, TEST_PASSWORD } from "../factories/users";
import { clientError, signedInUser, useTestApp, type Caller, type ClientErrorShape } from "../helpers/app";
import { writeMark } from "../helpers/db-snapshot";
import { apiToken } from "../helpers/rest-api";

/**
 * Every procedure of the router, called as an administrator (so access is never what refuses it) with
 * random and malformed input, must either succeed or answer a client error with a message a person can
 * read, and a refused call must leave every table exactly as it was.
 *
 * Reproduce a failure with the seed fast-check prints: FC_SEED=<seed> npx vitest run --project integration <this file>.
 */
const SEED = Number(process.env.FC_SEED ?? 20_260_301);
const RUNS = Number(process.env.FC_RUNS ?? 40);
// Each accepted account costs a deliberately slow password hash.
const FEWER_RUNS: Record<string, number> = { "access.createUser": Math.ceil(RUNS / 2) };

const app = useTestApp();

// ---------------------------------------------------------------------------------------------------
// Fixtures: the rows valid inputs point at. Deletes succeed on valid input, so they are recreated.

type Fixtures = {
  adminId: string;
  /** An API token: revoking it again changes nothing, so it is never used up. */
  apiTokenId: string;
  targetUserId: string;
  tapeId: string;
  tapeBarcode: string;
  otherTapeId: string;
  destroyedTapeId: string;
  spareTapeId: string;
  jobId: string;
  spareJobId: string;
  rejectedEventId: string;
  siteId: string;
  /** Off site, so it can be recalled: alone, and in a job of its own. */
  awayTapeId: string;
  awayJobId: string;
  recallId: string;
  tapeCursor: string;
  jobCursor: string;
  catalogueCursor: string;
  auditCursor: string;
  /** Consignments leave an on-site store for an off-site depot that no other procedure's input retires. */
  storeId: string;
  depotId: string;
  /** At the store and in no open consignment. */
  looseTapeId: string;
  draftConsignmentId: string;
  draftTapeId: string;
  /** Created and submitted by the planner, so the administrator may decide on it. */
  awaitingConsignmentId: string;
  /** Received with one cartridge missing and the seal found broken. */
  incidentConsignmentId: string;
  missingTapeId: string;
  /** Inventory audits of a room of their own: open with an unknown label scanned, closed, corrected. */
  inventorySiteId: string;
  openInventoryId: string;
  unknownLabel: string;
  closedInventoryId: string;
  missingInventoryId: string;
  inventoryMissingTapeId: string;
  /** In no job, consignment nor location: any destruction may take it. */
  scrapTapeId: string;
  /** A destruction with its certificate. */
  destructionId: string;
  /** Full, on no shelf, its only job long expired: ready to return to scratch. */
  scratchTapeId: string;
};

let admin: Caller;
/** Staff who plan consignments: nobody approves their own. */
let planner: Caller;
const fx = {} as Fixtures;
let tables: string[] = [];

/** The database's write mark when the fixtures were last found whole: while it stays so, they still are. */
let fixturesWholeAt: string | null = null;

/** Puts back the fixtures a write may have used up, unless nothing was written since; returns the write mark. */
async function restoreFixtures(): Promise<string> {
  const mark = await writeMark(app.db);
  if (mark === fixturesWholeAt) return mark;
  await repairFixtures();
  fixturesWholeAt = await writeMark(app.db);
  return fixturesWholeAt;
}

async function repairFixtures() {
  fx.apiTokenId ??= (await apiToken(app.db, "Hostile input", ["tapes:read"])).id;
  const tapeIds = [fx.tapeId, fx.otherTapeId, fx.destroyedTapeId, fx.spareTapeId].filter(Boolean);
  const tapes = new Set(
    (await app.db.backupTapeCartridge.findMany({ where: { id: { in: tapeIds } }, select: { id: true } })).map(
      (row) => row.id,
    ),
  );
  if (!tapes.has(fx.tapeId)) {
    const tape = await createTape(app.db);
    Object.assign(fx, { tapeId: tape.id, tapeBarcode: tape.barcode });
  }
  if (!tapes.has(fx.otherTapeId)) fx.otherTapeId = (await createTape(app.db)).id;
  if (!tapes.has(fx.spareTapeId)) fx.spareTapeId = (await createTape(app.db)).id;
  if (!tapes.has(fx.destroyedTapeId)) {
    const tape = await createTape(app.db);
    await app.db.backupTapeCartridge.update({ where: { id: tape.id }, data: { status: "destroyed" } });
    fx.destroyedTapeId = tape.id;
  }
  const jobs = new Set(
    (
      await app.db.backupJob.findMany({
        where: { id: { in: [fx.jobId, fx.spareJobId].filter(Boolean) } },
        select: { id: true },
      })
    ).map((row) => row.id),
  );
  if (!jobs.has(fx.jobId)) {
    fx.jobId = (await createJob(app.db)).id;
    await linkTape(app.db, fx.jobId, fx.tapeId);
  }
  if (!jobs.has(fx.spareJobId)) fx.spareJobId = (await createJob(app.db, { name: "Spare job" })).id;
  if (fx.storeId) await restoreConsignments();
  if (fx.inventorySiteId) await restoreInventories();
}

/** Puts back the audits a successful step closed, corrected, resolved or registered from. */
async function restoreInventories() {
  const ids = [fx.openInventoryId, fx.closedInventoryId, fx.missingInventoryId].filter(Boolean);
  const byId = new Map(
    (await app.db.backupInventoryAudit.findMany({ where: { id: { in: ids } } })).map((row) => [row.id, row]),
  );
  const unknown = fx.openInventoryId
    ? await app.db.backupInventoryScan.findUnique({
        where: { auditId_barcode: { auditId: fx.openInventoryId, barcode: fx.unknownLabel } },
      })
    : null;
  if (byId.get(fx.openInventoryId)?.state !== "open" || unknown?.tapeId !== null) {
    const open = await admin.audits.start({ siteId: fx.inventorySiteId });
    const unknownLabel = nextBarcode();
    const [scanned] = await admin.sync.push({
      deviceId: "fixture-phone",
      events: [auditScanEvent(open.id, unknownLabel)],
    });
    if (scanned?.status !== "applied") throw new Error(`The fixture scan was not applied: ${JSON.stringify(scanned)}`);
    Object.assign(fx, { openInventoryId: open.id, unknownLabel });
  }
  const closed = byId.get(fx.closedInventoryId);
  if (closed?.state !== "closed" || closed.correctedAt) {
    const audit = await admin.audits.start({ siteId: fx.inventorySiteId });
    fx.closedInventoryId = (await admin.audits.close({ id: audit.id })).id;
  }
  const missing = fx.missingInventoryId
    ? await app.db.backupInventoryExpected.findUnique({
        where: { auditId_tapeId: { auditId: fx.missingInventoryId, tapeId: fx.inventoryMissingTapeId } },
      })
    : null;
  if (!missing?.missingAt || missing.resolvedAt) {
    const tape = await createTape(app.db);
    await admin.locations.log({ tapeId: tape.id, kind: "on_site", siteId: fx.inventorySiteId });
    const audit = await admin.audits.start({ siteId: fx.inventorySiteId });
    await admin.audits.close({ id: audit.id });
    await admin.audits.applyCorrections({ id: audit.id });
    Object.assign(fx, { missingInventoryId: audit.id, inventoryMissingTapeId: tape.id });
  }
  await restoreEndOfLife();
}

/** The cartridges a destruction or a return to scratch takes, made again once taken. */
async function restoreEndOfLife() {
  const status = async (id: string | undefined) =>
    id ? (await app.db.backupTapeCartridge.findUnique({ where: { id } }))?.status : undefined;
  if ((await status(fx.scrapTapeId)) !== "empty") fx.scrapTapeId = (await createTape(app.db)).id;
  if ((await status(fx.scratchTapeId)) !== "full") {
    const tape = await createTape(app.db);
    await linkTape(app.db, (await createJob(app.db, { name: "Expired job" })).id, tape.id);
    await app.db.backupTapeCartridge.update({ where: { id: tape.id }, data: { status: "full" } });
    fx.scratchTapeId = tape.id;
  }
  if (!fx.destructionId)
    fx.destructionId = (await admin.destruction.record(destructionInput([(await createTape(app.db)).id]))).id;
}

async function tapeAtStore() {
  const tape = await createTape(app.db);
  await admin.locations.log({ tapeId: tape.id, kind: "on_site", siteId: fx.storeId });
  return tape;
}

/** A draft by the planner with `count` new cartridges at the store. */
async function plannedConsignment(count: number) {
  const tapes = [];
  for (let index = 0; index < count; index++) tapes.push(await tapeAtStore());
  const tapeIds = tapes.map((tape) => tape.id);
  const { id } = await planner.consignments.create({ fromSiteId: fx.storeId, toSiteId: fx.depotId, tapeIds });
  return { id, tapes };
}

/** Puts back the consignments a successful step moved on, and a loose cartridge a new one took. */
async function restoreConsignments() {
  const ids = [fx.draftConsignmentId, fx.awaitingConsignmentId, fx.incidentConsignmentId].filter(Boolean);
  const rows = await app.db.backupConsignment.findMany({
    where: { id: { in: ids } },
    include: { tapes: true },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const draft = byId.get(fx.draftConsignmentId);
  if (draft?.state !== "draft" || !draft.tapes.some((line) => line.tapeId === fx.draftTapeId)) {
    const planned = await plannedConsignment(1);
    Object.assign(fx, { draftConsignmentId: planned.id, draftTapeId: planned.tapes[0]!.id });
  }
  if (byId.get(fx.awaitingConsignmentId)?.state !== "awaiting_approval") {
    fx.awaitingConsignmentId = (await plannedConsignment(1)).id;
    await planner.consignments.submit({ id: fx.awaitingConsignmentId });
  }
  const incident = byId.get(fx.incidentConsignmentId);
  const missing = incident?.tapes.find((line) => line.tapeId === fx.missingTapeId);
  if (!incident || incident.sealResolvedAt || !missing || missing.lostAt || missing.scannedInAt) {
    const planned = await plannedConsignment(2);
    await planner.consignments.submit({ id: planned.id });
    await admin.consignments.approve({ id: planned.id });
    const barcodes = planned.tapes.map((tape) => tape.barcode);
    const results = await admin.sync.push({
      deviceId: "fixture-phone",
      events: [
        dispatchEvent(planned.id, barcodes),
        receiptEvent(planned.id, barcodes.slice(0, 1), { sealIntact: false, sealDiscrepancy: "The seal was cut" }),
      ],
    });
    if (results.some((result) => result.status !== "applied"))
      throw new Error(`The fixture consignment did not travel: ${JSON.stringify(results)}`);
    Object.assign(fx, { incidentConsignmentId: planned.id, missingTapeId: planned.tapes[1]!.id });
  }
  const looseTaken = await app.db.backupConsignmentTape.count({
    where: { tapeId: fx.looseTapeId, consignment: { state: { in: [...OPEN_CONSIGNMENT_STATES] } } },
  });
  if (!fx.looseTapeId || looseTaken > 0) fx.looseTapeId = (await tapeAtStore()).id;
}

beforeAll(async () => {
  const signedIn = await signedInUser(app, { role: "admin", name: "Hostile Input Admin" });
  admin = signedIn.caller;
  fx.adminId = signedIn.user.id;
  fx.targetUserId = (await createTestUser(app.db, { role: "staff" })).id;
  await restoreFixtures();
  await createLocation(app.db, fx.tapeId, { isCurrent: true });
  await createCustody(app.db, fx.tapeId);

  const [rejected] = await admin.sync.push({
    deviceId: "fixture-phone",
    events: [{ id: uuidv7(), type: "location.logged", occurredAt: new Date(), payload: { barcode: "NOT-A-TAPE" } }],
  });
  fx.rejectedEventId = rejected!.id;
  fx.siteId = (await admin.sites.create({ name: "Hostile Vault", kind: "off_site" })).id;
  fx.awayTapeId = (await createTape(app.db)).id;
  fx.awayJobId = (await createJob(app.db, { name: "Away job" })).id;
  await linkTape(app.db, fx.awayJobId, fx.awayTapeId);
  await admin.locations.log({ tapeId: fx.awayTapeId, kind: "off_site", site: "Iron Vault" });
  const recall = { tapeId: fx.awayTapeId, reason: "Restore drill", neededBy: toDateInput(new Date()) };
  fx.recallId = (await admin.rotation.recallTape(recall)).id;
  fx.tapeCursor = (await admin.tapes.list({ limit: 1 })).nextCursor!;
  fx.jobCursor = (await admin.jobs.list({ limit: 1 })).nextCursor!;
  fx.catalogueCursor = cursorCodec("catalogue:changedAt:asc", "date").encode({
    value: new Date(Date.now() - 3_600_000),
    id: fx.tapeId,
  });
  fx.auditCursor = cursorCodec("audit:id:desc", "serial", true).encode({ value: 9_007_199_254_740_991n });
  planner = (await signedInUser(app, { role: "staff", name: "Hostile Input Planner" })).caller;
  fx.storeId = (await admin.sites.create({ name: "Hostile Store", kind: "on_site" })).id;
  fx.depotId = (await admin.sites.create({ name: "Hostile Depot", kind: "off_site" })).id;
  await restoreConsignments();
  fx.inventorySiteId = (await admin.sites.create({ name: "Hostile Audit Room", kind: "on_site" })).id;
  await restoreInventories();

  const rows = await app.db.$queryRaw<{ name: string }[]>`
    SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY 1`;
  tables = rows.map((row) => row.name);
});

// ---------------------------------------------------------------------------------------------------
// A valid input per procedure: the mutations start from these, so they reach the rules behind the
// first field check. A procedure added to the router fails the coverage test until it has an entry.

const PNG =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

const validInputs: Record<string, (fixtures: Fixtures) => unknown> = {
  "setup.status": () => undefined,
  "setup.createFirstAdmin": () => ({
    name: "Ada Admin",
    email: "ada@example.test",
    password: TEST_PASSWORD,
    setupCode: "ABCD-EFGH",
  }),
  "access.me": () => undefined,
  // The same password again: the change is accepted and the administrator's later calls still sign in.
  "access.changePassword": () => ({ currentPassword: TEST_PASSWORD, newPassword: TEST_PASSWORD }),
  "access.listUsers": () => undefined,
  "access.createUser": () => ({
    name: "Nia New",
    email: `nia-${uuidv7()}@example.test`,
    password: TEST_PASSWORD,
    role: "staff",
  }),
  "access.setActive": (f) => ({ userId: f.targetUserId, active: true }),
  "access.setRole": (f) => ({ userId: f.targetUserId, role: "courier" }),
  "access.setBackupAccess": (f) => ({ userId: f.targetUserId, level: "read" }),
  // Clearing the mark: valid whatever role another case left the target with (only staff can be marked).
  "access.setApprover": (f) => ({ userId: f.targetUserId, approver: false }),
  "tapes.summary": () => undefined,
  "tapes.list": (f) => ({
    search: "T0",
    status: "empty",
    locationKind: "on_site",
    generation: 8,
    tag: "offsite",
    sort: "barcode",
    direction: "asc",
    cursor: f.tapeCursor,
    limit: 5,
  }),
  "tapes.search": () => ({ query: "T0", limit: 10 }),
  "tapes.byBarcode": (f) => ({ barcode: f.tapeBarcode }),
  "tapes.get": (f) => ({ id: f.tapeId }),
  "tapes.register": () => ({
    barcode: nextBarcode(),
    nativeCapacityBytes: 12_000_000_000_000n,
    status: "empty",
    tags: ["offsite"],
    notes: "Spare",
  }),
  "tapes.update": (f) => ({
    id: f.tapeId,
    data: { status: "in_use", tags: ["daily"], notes: "Rotated", nativeCapacityBytes: 12_000_000_000_000n },
  }),
  "tapes.correctBarcode": (f) => ({ id: f.spareTapeId, barcode: nextBarcode() }),
  "tapes.deletePreview": (f) => ({ id: f.tapeId }),
  "tapes.delete": (f) => ({ id: f.spareTapeId }),
  "jobs.list": (f) => ({ search: "Nightly", sort: "jobDate", direction: "desc", cursor: f.jobCursor, limit: 5 }),
  "jobs.get": (f) => ({ id: f.jobId }),
  "jobs.deletePreview": (f) => ({ id: f.jobId }),
  "jobs.create": (f) => jobInput({ tapeIds: [f.tapeId, f.otherTapeId], notes: "Quarterly" }),
  "jobs.update": (f) => ({ ...jobInput({ tapeIds: [f.tapeId, f.otherTapeId], notes: "Rerun" }), id: f.jobId }),
  "jobs.setSpan": (f) => ({ jobId: f.jobId, tapeIds: [f.otherTapeId, f.tapeId] }),
  "jobs.delete": (f) => ({ id: f.spareJobId }),
  "jobs.checkImport": (f) => ({ csv: `name,date,retention,barcodes\nNightly,2026-11-30,30,${f.tapeBarcode}\n` }),
  "jobs.import": (f) => ({
    fileName: "jobs.csv",
    csv: `name,date,retention,barcodes\nNightly,2026-11-30,30,${f.tapeBarcode}\n`,
  }),
  "locations.log": (f) => ({
    tapeId: f.tapeId,
    kind: "off_site",
    site: "Iron Vault",
    shelf: "A",
    locker: "3",
    slot: "12",
    custodian: "Vera Vault",
    serviceProvider: "Vault Co",
    occurredAt: minutesAgo(1),
  }),
  "locations.latestFor": (f) => ({ tapeId: f.tapeId }),
  "custody.record": (f) => ({
    tapeId: f.tapeId,
    fromParty: "Operations",
    toParty: "Courier",
    signerName: "Carl Courier",
    signature: PNG,
    containerId: "C-12",
    sealNumber: "S-9981",
    notes: "Sealed case",
    occurredAt: minutesAgo(1),
  }),
  "audit.verifyChain": () => undefined,
  "audit.checkpoint": () => undefined,
  "audit.list": (f) => ({ entityType: "tape", entityId: f.tapeId, cursor: f.auditCursor, limit: 10 }),
  "audit.log": () => ({
    entityType: "tape",
    action: "update",
    actor: "Ada",
    from: minutesAgo(60),
    to: minutesAgo(-1),
    limit: 10,
  }),
  "audit.locations": (f) => ({ tapeId: f.tapeId, limit: 10 }),
  "audit.custody": (f) => ({ tapeId: f.tapeId, limit: 10 }),
  "sync.push": (f) => ({
    deviceId: "hostile-phone",
    events: [locationEvent(f.tapeBarcode), custodyEvent(f.tapeBarcode)],
  }),
  "sync.discard": (f) => ({ id: f.rejectedEventId, note: "Typed the wrong label" }),
  "sync.catalogue": (f) => ({ cursor: f.catalogueCursor, limit: 100 }),
  "sites.list": () => ({}),
  "sites.options": () => undefined,
  "sites.get": (f) => ({ id: f.siteId }),
  "sites.legacyTexts": () => undefined,
  "sites.create": () => ({ name: `Vault ${uuidv7()}`, kind: "off_site", address: "1 Quarry Road" }),
  "sites.update": (f) => ({ id: f.siteId, data: { name: "Hostile Vault", kind: "off_site" } }),
  "sites.setActive": (f) => ({ id: f.siteId, active: true }),
  "sites.mapLegacy": (f) => ({ mappings: [{ text: "Iron Vault", siteId: f.siteId }] }),
  "rotation.overview": () => undefined,
  "rotation.list": () => ({ list: "bring_back" }),
  "rotation.recalls": (f) => ({ jobId: f.jobId }),
  "rotation.recallTape": (f) => ({ tapeId: f.awayTapeId, reason: "Restore", neededBy: toDateInput(new Date()) }),
  "rotation.recallJob": (f) => ({ jobId: f.awayJobId, reason: "Restore", neededBy: toDateInput(new Date()) }),
  "rotation.cancelRecall": (f) => ({ id: f.recallId }),
  "settings.get": () => undefined,
  "settings.update": () => ({ sendDelayDays: 2, leadTimeDays: 14 }),
  "integrations.list": () => undefined,
  "integrations.create": () => ({ name: `Integration ${uuidv7()}`, scopes: ["jobs:write", "tapes:read"] }),
  "integrations.revoke": (f) => ({ id: f.apiTokenId }),
  "consignments.list": () => ({ filter: "incidents", search: "C-", limit: 10 }),
  "consignments.get": (f) => ({ id: f.incidentConsignmentId }),
  "consignments.ofTape": (f) => ({ tapeId: f.missingTapeId }),
  "consignments.overview": () => undefined,
  "consignments.create": (f) => ({
    fromSiteId: f.storeId,
    toSiteId: f.depotId,
    containerId: "Case 3",
    notes: "Monthly set",
    tapeIds: [f.looseTapeId],
  }),
  "consignments.update": (f) => ({
    id: f.draftConsignmentId,
    data: { fromSiteId: f.storeId, toSiteId: f.depotId, containerId: "Case 4", tapeIds: [f.draftTapeId] },
  }),
  "consignments.submit": (f) => ({ id: f.draftConsignmentId }),
  "consignments.cancel": (f) => ({ id: f.draftConsignmentId, reason: "Not needed" }),
  "consignments.approve": (f) => ({ id: f.awaitingConsignmentId }),
  "consignments.reject": (f) => ({ id: f.awaitingConsignmentId, reason: "Use another depot" }),
  "consignments.markFound": (f) => ({ id: f.incidentConsignmentId, tapeIds: [f.missingTapeId] }),
  "consignments.declareLost": (f) => ({
    id: f.incidentConsignmentId,
    tapeId: f.missingTapeId,
    reason: "Not in the case",
  }),
  "consignments.resolveIncident": (f) => ({ id: f.incidentConsignmentId, note: "The depot resealed it" }),
  "audits.list": (f) => ({ siteId: f.inventorySiteId, state: "open", limit: 10 }),
  "audits.get": (f) => ({ id: f.openInventoryId }),
  "audits.sites": () => undefined,
  "audits.start": (f) => ({ siteId: f.inventorySiteId, shelf: "H-1", notes: "Yearly count" }),
  "audits.close": (f) => ({ id: f.openInventoryId }),
  "audits.cancel": (f) => ({ id: f.openInventoryId, reason: "Started by mistake" }),
  "audits.applyCorrections": (f) => ({ id: f.closedInventoryId }),
  "audits.resolveMissing": (f) => ({
    auditId: f.missingInventoryId,
    tapeId: f.inventoryMissingTapeId,
    resolution: "Found in the library",
  }),
  "audits.registerUnknown": (f) => ({ auditId: f.openInventoryId, barcode: f.unknownLabel }),
  "reminders.attention": () => undefined,
  "notifications.get": () => undefined,
  "notifications.set": () => ({ dailyDigest: true }),
  "destruction.check": (f) => ({ tapeIds: [f.scrapTapeId, f.tapeId], withVendor: true }),
  "destruction.list": () => ({ search: "D-", limit: 10 }),
  "destruction.get": (f) => ({ id: f.destructionId }),
  "destruction.ofTape": (f) => ({ tapeId: f.scrapTapeId }),
  "destruction.record": (f) =>
    destructionInput([f.scrapTapeId], {
      vendor: "Shred-It North",
      vendorCertificate: "SN-1",
      overrideReason: "Damaged",
      notes: "Hostile batch",
    }),
  "tapes.returnToScratch": (f) => ({ id: f.scratchTapeId }),
};

const procedurePaths = Object.keys(appRouter._def.procedures).sort();

// ---------------------------------------------------------------------------------------------------
// Hostile values.

const HUGE = 100_000;
const hugeStrings = fc.constantFrom(
  "A".repeat(HUGE),
  "😀".repeat(HUGE / 2),
  "\u0000".repeat(HUGE),
  "000123L9".repeat(HUGE / 8),
  " ".repeat(HUGE),
  `${"0".repeat(HUGE)}1`,
);
const nastyStrings = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDFFFy",
  "\uDC00\uD800",
  "\u202Eevil\u202C",
  "مرحبا بالعالم",
  "👩‍👩‍👧‍👦🏳️‍🌈",
  "\n\t\r",
  "\u0007\u001B[31m",
  "\uFEFF",
  "null",
  "undefined",
  "NaN",
  "-1",
  "1e400",
  "<script>alert(1)</script>",
  "'; DROP TABLE backup_job; --",
  "%_\\",
  "${process.exit()}",
  "__proto__",
);
const unicodeStrings = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\u0000", "\uD800", "\uDC00", "\u202E", "😀", "*", " ", "\u00A0", "\u2028", "é", "ß"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
  maxLength: 40,
});
const strings = fc.oneof(
  { arbitrary: nastyStrings, weight: 3 },
  { arbitrary: unicodeStrings, weight: 3 },
  { arbitrary: hugeStrings, weight: 1 },
);

const numbers = fc.oneof(
  fc.constantFrom(
    -1,
    0,
    -0,
    0.5,
    1.5,
    NaN,
    Infinity,
    -Infinity,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 2,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    2 ** 31,
    -(2 ** 31) - 1,
    1e-300,
  ),
  fc.integer(),
  fc.double(),
);
const bigints = fc.oneof(
  fc.constantFrom(-1n, 0n, 2n ** 63n - 1n, 2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 10n ** 30n, -(10n ** 30n)),
  fc.bigInt(),
);
const dates = fc.oneof(
  fc.constantFrom(
    new Date("0001-01-01T00:00:00Z"),
    new Date("9999-12-31T23:59:59Z"),
    new Date(NaN),
    new Date(8.64e15),
    new Date(-8.64e15),
    new Date(0),
    new Date(Date.now() + 3 * 86_400_000),
  ),
  fc.date({ noInvalidDate: false }),
);
const dateStrings = fc.constantFrom(
  "0001-01-01",
  "9999-12-31T23:59:59Z",
  "2026-02-30",
  "2026-13-01",
  "yesterday",
  "",
  "+275760-09-13T00:00:00.000Z",
  "-271821-04-20T00:00:00.000Z",
  "1e10",
);
/** Values of every type a request body can carry (superjson also carries bigints, dates, maps and sets). */
const anything = fc.anything({
  maxDepth: 2,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withSparseArray: true,
  withNullPrototype: true,
  stringUnit: "binary",
});
const general = fc.oneof(
  { arbitrary: strings, weight: 4 },
  { arbitrary: numbers, weight: 2 },
  { arbitrary: bigints, weight: 1 },
  { arbitrary: dates, weight: 1 },
  { arbitrary: fc.constantFrom(null, undefined, true, false, [], {}, [null], [[]], { id: null }), weight: 2 },
  { arbitrary: anything, weight: 3 },
);

const asBase64Url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Labels as scanners and people get them wrong: case, spaces, Code 39 asterisks, look-alikes. */
const labelTricks = () => [
  fx.tapeBarcode.toLowerCase(),
  ` ${fx.tapeBarcode} `,
  `*${fx.tapeBarcode}*`,
  `**${fx.tapeBarcode.toLowerCase()}**\n`,
  "000 23L9",
  "000123 L9",
  "*",
  "***",
  "CLN001L1",
  "000123L0",
  "ＡＢＣ１２３Ｌ９",
  "000123L9\u0000",
  "\u0000000123L9",
  "0001\uD80023L9",
  "ÄBC123L9",
  "%",
  "_",
];

/** Page cursors edited by hand: values of the wrong kind or range, or names of another order. */
const forgedCursors = () => [
  asBase64Url(["tapes:barcode:asc", "\u0000", fx.tapeId]),
  asBase64Url(["tapes:barcode:asc", "T0", "\u0000"]),
  asBase64Url(["tapes:barcode:asc", "\uD800", fx.tapeId]),
  asBase64Url(["tapes:barcode:asc", 1e308, fx.tapeId]),
  asBase64Url(["tapes:barcode:asc", ["T0"], fx.tapeId]),
  asBase64Url(["tapes:createdAt:desc", "+275760-09-13T00:00:00.000Z", fx.tapeId]),
  asBase64Url(["catalogue:changedAt:asc", "-271821-04-20T00:00:00.000Z", fx.tapeId]),
  asBase64Url(["catalogue:changedAt:asc", "0000-01-01T00:00:00.000Z", fx.tapeId]),
  asBase64Url(["catalogue:changedAt:asc", "2026-01-05T22:00:00.000Z", "\u0000"]),
  asBase64Url(["jobs:jobDate:desc", "not a date", fx.jobId]),
  asBase64Url(["jobs:jobDate:desc", "+275760-09-13T00:00:00.000Z", fx.jobId]),
  asBase64Url(["jobs:jobDate:desc", "2026-01-05T22:00:00.000Z", "\u0000"]),
  asBase64Url(["jobs:name:desc", "\u0000", fx.jobId]),
  asBase64Url(["audit:id:desc", "0"]),
  asBase64Url(["audit:id:desc", "9".repeat(19)]),
  asBase64Url(["audit:id:desc", 1]),
  asBase64Url({ d: "2026-01-05T22:00:00.000Z", id: fx.tapeId }),
  "0",
  "-1",
  "9".repeat(18),
  "9".repeat(40),
];

/** Ids of the right shape that name nothing, the wrong kind of thing, or a destroyed cartridge. */
const idTricks = () => [
  uuidv7(),
  "00000000-0000-0000-0000-000000000000",
  fx.tapeId.toUpperCase(),
  fx.destroyedTapeId,
  fx.jobId,
  fx.targetUserId,
];

/** Job spans that break a rule only the service can check, or that the schema must catch. */
const spanTricks = () => [
  [fx.tapeId, fx.tapeId],
  [fx.tapeId, fx.otherTapeId, fx.tapeId],
  [fx.tapeId, fx.tapeId.toUpperCase()],
  [fx.destroyedTapeId],
  [fx.tapeId, uuidv7()],
  Array.from({ length: 501 }, () => uuidv7()),
];

/**
 * Mutations every run of a procedure tries before the random ones, so each hostile class reaches each
 * field on every run rather than when the dice allow: text the database cannot store and huge text in
 * every text field, negative, fractional and non-finite numbers in every number, invalid and far-off
 * dates in every date, and each trick on the fields with the deepest rules (labels, cursors, ids, spans).
 */
function examplesFor(path: string): [Mutation][] {
  const tricks: Record<string, () => unknown[]> = {
    barcode: labelTricks,
    query: labelTricks,
    search: labelTricks,
    cursor: forgedCursors,
    id: idTricks,
    tapeId: idTricks,
    jobId: idTricks,
    userId: idTricks,
    entityId: idTricks,
    "tapeIds[]": idTricks,
    tapeIds: spanTricks,
  };
  const sample = validInputs[path]!(fx);
  return pathsOf(sample).flatMap((at) => {
    // The second item of a list is held to the same rules as the first.
    if (at.includes(1)) return [];
    const current = nodeAt(sample, at);
    const values: unknown[] = [
      ...(tricks[aimKey(at)]?.() ?? []),
      ...(typeof current === "string" ? ["a\u0000b", "x\uD800", "A".repeat(HUGE)] : []),
      ...(typeof current === "bigint" ? [-1n, 2n ** 63n, 10n ** 30n] : []),
      ...(typeof current === "number" ? [-1, 0.5, NaN, Infinity, 1e308] : []),
      ...(current instanceof Date
        ? [new Date(NaN), new Date("0001-01-01T00:00:00Z"), new Date("9999-12-31T23:59:59Z")]
        : []),
    ];
    return values.map((value): [Mutation] => [{ kind: "set", path: at, value }]);
  });
}

/** Values aimed at what a field of this name means, so the rules after the type check are reached too. */
function aimedAt(key: string): fc.Arbitrary<unknown> | null {
  const uuids = fc.oneof(
    fc.constantFrom(fx.tapeId, fx.otherTapeId, fx.destroyedTapeId, fx.jobId, fx.targetUserId, fx.rejectedEventId),
    fc.constantFrom(
      fx.tapeId.toUpperCase(),
      `{${fx.tapeId}}`,
      ` ${fx.tapeId} `,
      `${fx.tapeId}\u0000`,
      "00000000-0000-0000-0000-000000000000",
    ),
    fc.uuid(),
  );
  switch (key) {
    case "barcode":
    case "query":
    case "search":
      return fc.oneof(
        fc.constantFrom(...labelTricks()),
        fc.string({ unit: fc.constantFrom(..."ABCDEFLMNPTUVWXYZ0123456789* lc\t"), maxLength: 12 }),
      );
    case "id":
    case "tapeId":
    case "jobId":
    case "userId":
    case "entityId":
    case "tapeIds[]":
      return uuids;
    case "tapeIds":
      return fc.oneof(fc.constantFrom(...spanTricks()), fc.array(fc.oneof(uuids, general), { maxLength: 4 }));
    case "cursor":
      return fc.oneof(
        fc.constantFrom(...forgedCursors()),
        fc.json().map(asBase64Url),
        fc
          .tuple(
            fc.constantFrom("jobs:jobDate:asc", "tapes:barcode:asc", "catalogue:changedAt:asc", "audit:id:desc"),
            fc.oneof(strings, numbers, dateStrings),
            strings,
          )
          .map(asBase64Url),
      );
    case "occurredAt":
    case "jobDate":
      return fc.oneof(dates, dateStrings, numbers);
    case "limit":
    case "retentionDays":
    case "generation":
      return numbers;
    case "nativeCapacityBytes":
    case "totalFiles":
    case "totalBytes":
      return fc.oneof(bigints, numbers, fc.constantFrom("12000000000000", "-1"));
    case "status":
    case "kind":
    case "locationKind":
    case "role":
    case "level":
    case "verification":
    case "sort":
    case "direction":
    case "entityType":
    case "type":
      return fc.constantFrom(
        "destroyed",
        "EMPTY",
        "Empty ",
        "on-site",
        "superuser",
        "admin",
        "ADMIN",
        "write ",
        "none",
        "id",
        "DESC",
        "tape ",
        "user",
        "location.deleted",
        "",
      );
    case "tags":
      return fc.oneof(
        fc.constant(Array.from({ length: 21 }, (_, index) => `tag${index}`)),
        fc.constant(["", "  "]),
        fc.constant(["Offsite", "offsite", "OFFSITE"]),
        fc.array(fc.oneof(strings, general), { maxLength: 4 }),
      );
    case "signature":
      return fc.constantFrom(
        "data:image/png;base64,",
        "data:image/svg+xml;base64,PHN2Zz4=",
        `data:image/png;base64,${"A".repeat(300_001)}`,
        "javascript:alert(1)",
        `${PNG}\u0000`,
      );
    case "email":
      return fc.constantFrom(
        "not-an-email",
        "a@b",
        "@example.test",
        `${"a".repeat(250)}@example.test`,
        "ada@example.test\u0000",
        "ADA@EXAMPLE.TEST",
        "ada @example.test",
      );
    case "password":
      return fc.constantFrom(
        "short",
        "a".repeat(129),
        "aaaaaaaaaaaa1",
        "no digits at all here",
        "\u0000".repeat(20),
        "😀😀😀😀😀😀1a",
      );
    case "tags[]":
      return strings;
    case "events[]":
      return fc.oneof(
        fc.record({ id: fc.oneof(strings, general) }),
        fc.record({ id: fc.uuid(), type: strings, occurredAt: dates, payload: general }),
      );
    case "events":
      return fc.oneof(
        fc.constant([]),
        fc.constant(Array.from({ length: 101 }, () => locationEvent(fx.tapeBarcode))),
        fc.array(fc.oneof(general, fc.record({ id: fc.oneof(strings, general) })), { maxLength: 4 }),
      );
    default:
      return null;
  }
}

/** What a path is about: its field, or for a list item the field's items (`tapeIds[]`). */
function aimKey(at: Path): string {
  const key = keyOf(at) ?? "";
  return typeof at.at(-1) === "number" ? `${key}[]` : key;
}

function hostileFor(key: string | undefined): fc.Arbitrary<unknown> {
  const aimed = key === undefined ? null : aimedAt(key);
  return aimed ? fc.oneof({ arbitrary: aimed, weight: 3 }, { arbitrary: general, weight: 2 }) : general;
}

type Path = (string | number)[];

/** Every place in a value a mutation can reach: object keys and array items, at any depth. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  }
  return [];
}

/** The name of the field a path ends in (an array item belongs to the array's field). */
const keyOf = (at: Path) => [...at].reverse().find((step): step is string => typeof step === "string");

type Mutation =
  | { kind: "replace"; value: unknown }
  | { kind: "set"; path: Path; value: unknown }
  | { kind: "delete"; path: Path }
  | { kind: "extraKey"; path: Path; key: string; value: unknown };

type Container = Record<string | number, unknown>;

/** The value at a path, or undefined where the path leads nowhere. */
function nodeAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Container)[step];
  }
  return node;
}

/** The object or array a path's last step is taken in, or null. */
function parentOf(root: unknown, path: Path): Container | null {
  const node = nodeAt(root, path.slice(0, -1));
  return node !== null && typeof node === "object" ? (node as Container) : null;
}

const isPlainObject = (value: unknown): value is Container =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !(value instanceof Date);

function applyMutation(valid: unknown, mutation: Mutation): unknown {
  if (mutation.kind === "replace") return mutation.value;
  const input = structuredClone(valid);
  if (mutation.kind === "extraKey") {
    const target = nodeAt(input, mutation.path);
    if (isPlainObject(target)) {
      // defineProperty, so "__proto__" becomes a key as it does in a parsed request body.
      Object.defineProperty(target, mutation.key, {
        value: mutation.value,
        enumerable: true,
        configurable: true,
        writable: true,
      });
    }
    return input;
  }
  const parent = parentOf(input, mutation.path);
  const last = mutation.path.at(-1)!;
  if (!parent) return input;
  if (mutation.kind === "delete") {
    if (Array.isArray(parent) && typeof last === "number") parent.splice(last, 1);
    else delete parent[last];
  } else {
    parent[last] = mutation.value;
  }
  return input;
}

function mutations(path: string): fc.Arbitrary<Mutation> {
  const sample = validInputs[path]!(fx);
  const paths = pathsOf(sample);
  const objectPaths: Path[] = [
    ...(isPlainObject(sample) ? [[]] : []),
    ...paths.filter((candidate) => isPlainObject(nodeAt(sample, candidate))),
  ];
  const replace = hostileFor(undefined).map((value): Mutation => ({ kind: "replace", value }));
  if (paths.length === 0 || objectPaths.length === 0) return replace;
  const set = fc
    .constantFrom(...paths)
    .chain((at) => hostileFor(aimKey(at)).map((value): Mutation => ({ kind: "set", path: at, value })));
  const remove = fc.constantFrom(...paths).map((at): Mutation => ({ kind: "delete", path: at }));
  const extraKey = fc
    .record({
      path: fc.constantFrom(...objectPaths),
      key: fc.oneof(
        fc.constantFrom("__proto__", "constructor", "isAdmin", "role", "id", "toString"),
        fc.string({ maxLength: 10 }),
      ),
      value: general,
    })
    .map((extra): Mutation => ({ kind: "extraKey", ...extra }));
  return fc.oneof(
    { arbitrary: set, weight: 6 },
    { arbitrary: replace, weight: 2 },
    { arbitrary: remove, weight: 1 },
    { arbitrary: extraKey, weight: 1 },
  );
}

// ---------------------------------------------------------------------------------------------------
// What a refusal must look like, and what it must leave behind.

const CLIENT_ERROR_CODES = new Set([
  "BAD_REQUEST",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNPROCESSABLE_CONTENT",
]);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a message shown to a person would not read as one, or null when it reads fine. */
function unreadableBecause(message: string): string | null {
  if (message.trim() === "") return "it is empty";
  if (message.length > 500) return `it is ${message.length} characters long`;
  if (/^\s*[[{]/.test(message)) return "it is a JSON dump";
  if (/\n\s+at\s/.test(message)) return "it carries a stack trace";
  if (/prisma|invocation|ZodError|TRPCError|\[object /i.test(message)) return "it exposes internals";
  if (/[\u0000-\u001F\u007F]/.test(message)) return "it contains control characters";
  if (LONE_SURROGATE.test(message)) return "it contains an unpaired surrogate";
  return null;
}

const SIZES = new Set(["nativeCapacityBytes", "totalFiles", "totalBytes", "retentionDays", "limit", "generation"]);

/**
 * Values no field of any procedure accepts, whatever else the input holds: when a mutation put one in,
 * the call must be refused. Success is otherwise allowed (the value may happen to be valid), so without
 * this a rule that stopped refusing, say, negative sizes would pass unnoticed. A pushed event's fields
 * are judged per event instead, and a password may hold any character.
 */
function mustRefuse(mutation: Mutation): string | null {
  if (mutation.kind !== "set" || mutation.path[0] === "events") return null;
  const key = keyOf(mutation.path) ?? "";
  const { value } = mutation;
  if (typeof value === "number" && !Number.isFinite(value)) return `${key} = ${value}`;
  if ((typeof value === "number" || typeof value === "bigint") && value < 0 && SIZES.has(key))
    return `a negative ${key}`;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return `an invalid date as ${key}`;
    const year = value.getUTCFullYear();
    if ((key === "occurredAt" || key === "jobDate") && (year < 1000 || year > 5000))
      return `the year ${year} as ${key}`;
  }
  // Whitespace alone is trimmed to nothing first, which is valid wherever a field is optional. A CSV file
  // to import may be megabytes long.
  if (typeof value === "string" && value.trim().length >= HUGE && key !== "csv")
    return `a ${value.length.toLocaleString("en")}-character ${key}`;
  if (typeof value === "string" && key !== "password" && (value.includes("\u0000") || LONE_SURROGATE.test(value)))
    return `a NUL or half an emoji in ${key}`;
  return null;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: ClientErrorShape; raw: TRPCError };

async function attempt(call: () => Promise<unknown>): Promise<Outcome> {
  let promise: Promise<unknown>;
  try {
    promise = call();
  } catch (error) {
    promise = Promise.reject(error);
  }
  try {
    return { ok: true, value: await promise };
  } catch (raw) {
    if (!(raw instanceof TRPCError))
      throw new Error(`A call threw ${String(raw)} instead of a tRPC error`, { cause: raw });
    return { ok: false, error: await clientError(promise), raw };
  }
}

function assertClientError(path: string, { error, raw }: Extract<Outcome, { ok: false }>) {
  const cause = raw.cause instanceof Error ? `\ncause: ${raw.cause.stack ?? raw.cause.message}` : "";
  if (!CLIENT_ERROR_CODES.has(error.data.code)) {
    throw new Error(`${path} answered ${error.data.code}: ${error.message.slice(0, 500)}${cause}`);
  }
  const problem = unreadableBecause(error.message);
  if (problem)
    throw new Error(
      `${path} answered ${error.data.code} with an unreadable message (${problem}): ${JSON.stringify(error.message.slice(0, 300))}`,
    );
  if ("stack" in error.data && (error.data as { stack?: unknown }).stack !== undefined)
    throw new Error(`${path} sent a stack trace to the client`);
}

/** Row count and a digest of the content of every table, so a refused call that changed anything shows. */
async function databaseState(): Promise<Record<string, string>> {
  const query = tables
    // A sum of row hashes: independent of row order, so no sort, and any changed row changes it.
    .map(
      (table) =>
        `SELECT '${table}' AS name, count(*)::int AS rows, coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)::text AS digest FROM "${table}" t`,
    )
    .join(" UNION ALL ");
  const rows = await app.db.$queryRawUnsafe<{ name: string; rows: number; digest: string }[]>(query);
  return Object.fromEntries(rows.map((row) => [row.name, `${row.rows} rows, ${row.digest}`]));
}

/**
 * What a refusal may write on purpose: a wrong current password counts as a failed sign-in of that account,
 * so guessing through the change-password form meets the same per-account limit as the sign-in form.
 */
const REFUSALS_RECORDED: Record<string, string[]> = { "access.changePassword": ["app_sign_in_failure"] };

function changedTables(path: string, before: Record<string, string>, after: Record<string, string>) {
  const recorded = REFUSALS_RECORDED[path] ?? [];
  return Object.keys(before)
    .filter((name) => before[name] !== after[name] && !recorded.includes(name))
    .map((name) => `${name}: ${before[name]} → ${after[name]}`);
}

function callProcedure(caller: Caller, path: string): (input: unknown) => Promise<unknown> {
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  return procedure as (input: unknown) => Promise<unknown>;
}

// ---------------------------------------------------------------------------------------------------

describe("the hostile-input table", () => {
  test("has a valid input for every procedure of the router, and none for procedures that do not exist", () => {
    expect(procedurePaths.length).toBeGreaterThan(20);
    expect(Object.keys(validInputs).sort()).toEqual(procedurePaths);
  });

  test.each(procedurePaths)("the valid input of %s is accepted", async (path) => {
    await restoreFixtures();
    const outcome = await attempt(() => callProcedure(admin, path)(validInputs[path]!(fx)));
    // setup.createFirstAdmin can only ever conflict once an administrator exists; it still reaches its rule.
    if (path === "setup.createFirstAdmin") expect(outcome.ok ? null : outcome.error.data.code).toBe("CONFLICT");
    else expect(outcome.ok ? null : `${outcome.error.data.code}: ${outcome.error.message}`).toBeNull();
  });
});

describe("every procedure, given hostile input", () => {
  test.each(procedurePaths)(
    "%s succeeds or refuses with a readable client error, and a refusal changes nothing",
    async (path) => {
      if (!validInputs[path])
        throw new Error(`${path} has no valid input in this file's table: add one so hostile input reaches it`);
      await restoreFixtures();
      const takesInput = validInputs[path](fx) !== undefined;
      const call = callProcedure(admin, path);

      // Most calls write nothing (refused, or reads), so the state measured before one is still the
      // state before the next, as the write mark shows; only a call that succeeded and wrote (and may
      // have used up a fixture) makes the fixtures need a look and the state a new measure.
      let known: { state: Record<string, string>; mark: string } | null = null;
      await fc.assert(
        fc.asyncProperty(mutations(path), async (mutation) => {
          if (!known) {
            const mark = await restoreFixtures();
            known = { state: await databaseState(), mark };
          }
          const before = known;
          const input = applyMutation(validInputs[path]!(fx), mutation);
          const outcome = await attempt(() => call(input));
          const mark = await writeMark(app.db);
          if (outcome.ok) {
            const invalid = mustRefuse(mutation);
            if (invalid) throw new Error(`${path} accepted ${invalid}`);
            if (mark !== before.mark) known = null;
            return;
          }
          assertClientError(path, outcome);
          if (mark === before.mark) return;
          const after = await databaseState();
          const changed = changedTables(path, before.state, after);
          if (changed.length > 0)
            throw new Error(`${path} refused the call (${outcome.error.message}) but changed ${changed.join("; ")}`);
          known = { state: after, mark };
        }),
        { seed: SEED, numRuns: takesInput ? (FEWER_RUNS[path] ?? RUNS) : 10, examples: examplesFor(path) },
      );
    },
  );
});

// ---------------------------------------------------------------------------------------------------
// sync.push judges each event on its own.

type Drafted = {
  item: Record<string, unknown>;
  kind: "location" | "custody" | "register" | "scan";
  mutated: boolean;
};

/** An event a phone could have sent, or one with a field made hostile. */
function pushedEvents(): fc.Arbitrary<{ kind: Drafted["kind"]; mutation: Mutation | null }[]> {
  const sample = {
    location: locationEvent("000123L9"),
    custody: custodyEvent("000123L9"),
    register: tapeRegisteredEvent("000123L9"),
    scan: auditScanEvent(fx.openInventoryId, "000123L9"),
  };
  const mutationOf = (kind: keyof typeof sample) => {
    const paths = pathsOf(sample[kind]).filter((path) => path[0] !== "id");
    return fc.oneof(
      fc
        .constantFrom(...paths)
        .chain((at) => hostileFor(aimKey(at)).map((value): Mutation => ({ kind: "set", path: at, value }))),
      fc.constantFrom(...paths).map((at): Mutation => ({ kind: "delete", path: at })),
      // Whatever else an item with an id can be: a phone's outbox of another version, a hand-made request.
      anything.map((value): Mutation => ({ kind: "replace", value })),
    );
  };
  const one = fc
    .constantFrom("location" as const, "custody" as const, "register" as const, "scan" as const)
    .chain((kind) => fc.record({ kind: fc.constant(kind), mutation: fc.option(mutationOf(kind), { freq: 2 }) }));
  return fc.array(one, { minLength: 1, maxLength: 8 });
}

function draft(kind: Drafted["kind"], mutation: Mutation | null): Drafted {
  const valid =
    kind === "location"
      ? locationEvent(fx.tapeBarcode)
      : kind === "custody"
        ? custodyEvent(fx.tapeBarcode)
        : kind === "register"
          ? tapeRegisteredEvent(nextBarcode())
          : auditScanEvent(fx.openInventoryId, fx.tapeBarcode);
  const id = valid.id;
  if (!mutation) return { kind, item: valid as unknown as Record<string, unknown>, mutated: false };
  const mutated = applyMutation(valid, mutation);
  // The envelope needs an id to answer by; everything else about the item is up for grabs.
  const item =
    mutated !== null && typeof mutated === "object" && !Array.isArray(mutated)
      ? { ...(mutated as Record<string, unknown>), id }
      : { value: mutated, id };
  return { kind, item, mutated: true };
}

/** An item as the server judges it: a time ahead of the server's clock counts as the receipt time (lib/sync/clock). */
function asJudged(item: Record<string, unknown>): Record<string, unknown> {
  const { occurredAt } = item;
  if (!(occurredAt instanceof Date) && typeof occurredAt !== "string" && typeof occurredAt !== "number") return item;
  const claimed = new Date(occurredAt);
  return Number.isNaN(claimed.getTime()) ? item : { ...item, occurredAt: correctedTime(claimed, 0, new Date()) };
}

async function syncCounts() {
  const [events, locations, custody, tapes, audit] = await Promise.all([
    app.db.syncEvent.count(),
    app.db.backupTapeLocation.count(),
    app.db.backupTapeCustody.count(),
    app.db.backupTapeCartridge.count(),
    app.db.backupAuditLog.count(),
  ]);
  return { events, locations, custody, tapes, audit };
}

describe("sync.push with a mix of valid and malformed events", () => {
  beforeEach(async () => {
    await restoreFixtures();
  });

  test("applies the valid ones, rejects each malformed one with a readable reason, writes nothing for it, and never fails the call", async () => {
    await fc.assert(
      fc.asyncProperty(pushedEvents(), async (plan) => {
        await restoreFixtures();
        const drafted = plan.map(({ kind, mutation }) => draft(kind, mutation));
        const before = await syncCounts();

        const outcome = await attempt(() =>
          admin.sync.push({ deviceId: "mixed-phone", events: drafted.map(({ item }) => item as { id: string }) }),
        );
        if (!outcome.ok)
          throw new Error(`The push failed as a whole: ${outcome.error.data.code} ${outcome.error.message}`);
        const results = outcome.value as EventResult[];
        expect(results.map((result) => result.id)).toEqual(drafted.map(({ item }) => item.id));

        const applied = { location: 0, custody: 0, register: 0, scan: 0 };
        const rejected: string[] = [];
        for (const [index, { kind, item, mutated }] of drafted.entries()) {
          const result = results[index]!;
          if (!mutated) expect(result, `untouched event ${index}`).toEqual({ id: item.id, status: "applied" });
          if (result.status === "rejected") {
            const problem = unreadableBecause(result.reason);
            if (problem)
              throw new Error(
                `Event ${index} was rejected with an unreadable reason (${problem}): ${JSON.stringify(result.reason.slice(0, 300))}`,
              );
            rejected.push(result.id);
          } else {
            expect(
              syncEventSchema.safeParse(asJudged(item)).success,
              `event ${index} is malformed but was ${result.status}`,
            ).toBe(true);
            expect(result.status).toBe("applied");
            applied[kind] += 1;
          }
        }
        const [locations, handoffs, scans, stored] = await Promise.all([
          app.db.backupTapeLocation.count({ where: { eventId: { in: rejected } } }),
          app.db.backupTapeCustody.count({ where: { eventId: { in: rejected } } }),
          app.db.backupInventoryScan.count({ where: { eventId: { in: rejected } } }),
          app.db.syncEvent.findMany({ where: { id: { in: rejected } }, select: { status: true } }),
        ]);
        expect(locations + handoffs + scans, "rows written for rejected events").toBe(0);
        expect(stored.map((row) => row.status)).toEqual(rejected.map(() => "rejected"));
        const after = await syncCounts();
        expect(after).toEqual({
          events: before.events + drafted.length,
          locations: before.locations + applied.location,
          custody: before.custody + applied.custody,
          tapes: before.tapes + applied.register,
          audit: before.audit + applied.location + applied.custody + applied.register,
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
