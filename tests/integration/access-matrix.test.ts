/**
 * Who may call what: every tRPC procedure and every route handler, for every role at each access level.
 * Procedures are enumerated from the app router itself, route handlers from the route files on disk, so one
 * added later without a row here fails this file by name. Each row names what it needs, and this file's own
 * table (WHO_MAY) says who holds that, written out rather than taken from lib/capabilities.ts, so the two can
 * disagree. A refused call must also leave every table as it was, and say why.
 */
import fs from "node:fs";
import path from "node:path";
import { TRPCError, type inferRouterInputs } from "@trpc/server";
import superjson from "superjson";
import { v7 as uuidv7 } from "uuid";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import * as authRoute from "../../app/api/auth/[...all]/route";
import * as trpcRoute from "../../app/api/trpc/[trpc]/route";
import * as restRoute from "../../app/api/v1/[[...path]]/route";
import * as auditRoute from "../../app/backup/audit/[entityType]/[id]/route";
import * as auditReportCsvRoute from "../../app/backup/audits/[id]/report.csv/route";
import * as auditReportRoute from "../../app/backup/audits/[id]/report/route";
import * as manifestRoute from "../../app/backup/consignments/[id]/manifest/route";
import * as databaseRoute from "../../app/backup/database/route";
import * as certificateRoute from "../../app/backup/destructions/[id]/certificate/route";
import * as exportRoute from "../../app/backup/export/[kind]/route";
import { BACKUP_ENTITY_TYPES } from "../../lib/audit";
import type { Capability } from "../../lib/capabilities";
import type { SyncEvent } from "../../lib/sync/events";
import type { AccessLevel, Role } from "../../lib/vocabulary";
import { toDateInput } from "../../lib/dates";
import { createAuditCheckpoint, type AuditCheckpoint } from "../../server/audit/chain";
import type { Auth } from "../../server/auth/auth";
import type { Db } from "../../server/db";
import { appRouter, type AppRouter } from "../../server/root";
import { createCustody, createJob, createLocation, createTape } from "../factories/backup";
import { destructionInput } from "../factories/destruction";
import { jobInput } from "../factories/jobs";
import { auditScanEvent, dispatchEvent, locationEvent, receiptEvent } from "../factories/sync-events";
import { linkTape } from "../factories/tape-jobs";
import { createTestUser, TEST_PASSWORD, type TestUser } from "../factories/users";
import { BASE_URL, callerFor, LOCAL_IP, REMOTE_IP, requestHeaders, signIn, useTestApp } from "../helpers/app";
import {
  changedTables,
  fingerprint,
  takeSnapshot,
  writeMark,
  type DbSnapshot,
  type TableFingerprint,
} from "../helpers/db-snapshot";
import { testDatabaseUrl } from "../helpers/database";
import { truncateAll } from "../helpers/test-db";
import { refreshRotationEntries } from "../../server/rotation/entries";
import { rotationParams } from "../../server/rotation/service";

// Route handlers reach the app's database and auth through these two getters; here they answer with the
// test's own, so the real route modules run unchanged.
const routeDeps = vi.hoisted(() => ({ db: undefined as Db | undefined, auth: undefined as Auth | undefined }));
vi.mock(import("../../server/db"), async (importOriginal) => ({
  ...(await importOriginal()),
  getDb: () => routeDeps.db!,
}));
vi.mock(import("../../server/auth/auth"), async (importOriginal) => ({
  ...(await importOriginal()),
  getAuth: async () => routeDeps.auth!,
}));
// A marker that throws outside React Server Components; route handlers are server code all the same.
vi.mock("server-only", () => ({}));

const app = useTestApp();

/** Today as a date input gives it: the earliest needed-by date a recall accepts. */
const today = () => toDateInput(new Date());

// ------------------------------------------------------------------------------------------ the users

type Level = "Read" | "Write";
/** The kinds of caller the matrix is about: anonymous, and each role with each access level. */
type Who = "anonymous" | "admin" | `${"staff" | "approver" | "courier" | "custodian"}${Level}`;
type SignedInWho = Exclude<Who, "anonymous">;
/** Deactivated users are tested too, and must fare exactly as anonymous callers do. */
type Column = Who | "deactivated" | "lingering";

/** The users behind each kind, set up as an administrator would. Administrators always have write access. */
const KINDS: Record<SignedInWho, { label: string; role: Role; access: AccessLevel; approver: boolean }> = {
  admin: { label: "admin", role: "admin", access: "write", approver: false },
  staffWrite: { label: "staff with write access", role: "staff", access: "write", approver: false },
  staffRead: { label: "staff with read access", role: "staff", access: "read", approver: false },
  approverWrite: { label: "staff approver with write access", role: "staff", access: "write", approver: true },
  approverRead: { label: "staff approver with read access", role: "staff", access: "read", approver: true },
  courierWrite: { label: "courier with write access", role: "courier", access: "write", approver: false },
  courierRead: { label: "courier with read access", role: "courier", access: "read", approver: false },
  custodianWrite: { label: "custodian with write access", role: "custodian", access: "write", approver: false },
  custodianRead: { label: "custodian with read access", role: "custodian", access: "read", approver: false },
};
const SIGNED_IN = Object.keys(KINDS) as SignedInWho[];

const COLUMNS: Record<Column, { label: string; actsAs: Who }> = {
  anonymous: { label: "anonymous", actsAs: "anonymous" },
  ...(Object.fromEntries(SIGNED_IN.map((who) => [who, { label: KINDS[who].label, actsAs: who }])) as Record<
    SignedInWho,
    { label: string; actsAs: Who }
  >),
  // Deactivation deletes the user's sessions: the cookie they still hold names none.
  deactivated: { label: "staff deactivated after signing in", actsAs: "anonymous" },
  // A session that survived the deactivation (a row restored from a backup, say): the context's own check.
  lingering: { label: "deactivated staff whose session survived", actsAs: "anonymous" },
};

/** What a call needs: a capability of lib/capabilities.ts, or one of the kinds of call that need none. */
type Need = Capability | "public" | "signedIn" | "nobody";

/**
 * Who may do what each need covers, as the access rules say it (docs/DESIGN.md, Roles): read access
 * changes nothing whatever the role; with write access, staff keep the catalogue, jobs, sites and recalls,
 * couriers and custodians record locations and hand-offs only, approvers are admins and staff so marked.
 */
const STAFF_WRITERS: readonly Who[] = ["admin", "staffWrite", "approverWrite"];
const ADMINS: readonly Who[] = ["admin"];
const WHO_MAY: Record<Need, readonly Who[]> = {
  public: ["anonymous", ...SIGNED_IN],
  signedIn: SIGNED_IN,
  nobody: [],
  "catalogue.edit": STAFF_WRITERS,
  "catalogue.delete": STAFF_WRITERS,
  "catalogue.correct": ADMINS,
  "jobs.edit": STAFF_WRITERS,
  "jobs.delete": STAFF_WRITERS,
  "movements.record": [...STAFF_WRITERS, "courierWrite", "custodianWrite"],
  "sites.manage": STAFF_WRITERS,
  "rotation.recall": STAFF_WRITERS,
  "consignments.manage": STAFF_WRITERS,
  "consignments.approve": ["admin", "approverWrite"],
  "consignments.dispatch": [...STAFF_WRITERS, "courierWrite"],
  "consignments.receive": [...STAFF_WRITERS, "courierWrite", "custodianWrite"],
  "audits.run": STAFF_WRITERS,
  "audits.scan": [...STAFF_WRITERS, "courierWrite", "custodianWrite"],
  "destruction.record": STAFF_WRITERS,
  "destruction.override": ADMINS,
  "settings.manage": ADMINS,
  "users.manage": ADMINS,
  "integrations.manage": ADMINS,
  "audit.review": ADMINS,
  "system.administer": ADMINS,
};

// ------------------------------------------------------------------------------------------ fixtures

type Fixtures = {
  users: Record<Exclude<Column, "anonymous">, TestUser & { headers: Headers }>;
  /** The user the access procedures act on. */
  target: TestUser;
  tape: { id: string; barcode: string };
  /** A cartridge in no job, for deletes and new spans. */
  spareTape: { id: string; barcode: string };
  /** A cartridge off site, in the job too, which can be recalled; and its recall, which can be cancelled. */
  awayTape: { id: string; barcode: string };
  recall: { id: string };
  job: { id: string };
  location: { id: string };
  custody: { id: string };
  /** An active site; the fixture location's free-text site ("Server room") names none yet. */
  site: { id: string };
  /** A rejected sync event of each user's own: only its author may discard it. */
  rejectedEvents: Record<Column, string>;
  /** Consignments from an on-site store to the fixture site, one in each state a step starts from. */
  consignments: {
    store: { id: string };
    /** At the store and in no consignment: what a new one can take. */
    looseTape: { id: string; barcode: string };
    draft: { id: string; tapeIds: string[] };
    /** Created and submitted by staff who are in none of the approver columns: nobody approves their own. */
    awaiting: { id: string };
    approved: { id: string; barcodes: string[] };
    /** Dispatched by the courier with write access, who receives only what they dispatched. */
    inTransit: { id: string; barcodes: string[] };
    /** Received with one cartridge missing and the seal found broken. */
    incident: { id: string; missingTapeId: string };
  };
  /** Inventory audits of a room of their own, one in each state a step starts from. */
  audits: {
    room: { id: string };
    /** Open, with one unknown label scanned that can be registered. */
    open: { id: string; unknownBarcode: string };
    /** Closed, its corrections not applied yet. */
    closed: { id: string };
    /** Closed and corrected, with one cartridge missing. */
    incident: { id: string; missingTapeId: string };
  };
  /** A checkpoint of the audit chain as the fixtures leave it. */
  checkpoint: AuditCheckpoint;
  destruction: {
    /** A destruction of one cartridge, with its certificate. */
    id: string;
    destroyedTapeId: string;
    /** In no job, consignment nor location: any recorder may destroy it. */
    eligibleTapeId: string;
    /** Holds data for years yet: only an administrator may destroy it, with a reason. */
    unexpiredTapeId: string;
    /** In use on site, its only job long expired: ready to return to scratch. */
    scratchTapeId: string;
  };
  /** An integration's token, live. */
  apiToken: { id: string };
};

let fx: Fixtures;
let snapshot: DbSnapshot;
let baseline: TableFingerprint;

/** Pushes events as a phone would and fails unless every one applied: the fixtures must be what they say. */
async function pushApplied(headers: Headers, events: SyncEvent[]) {
  const caller = await callerFor(app.db, app.auth, headers);
  const results = await caller.sync.push({ deviceId: "matrix-phone", events });
  const refused = results.filter((result) => result.status !== "applied");
  if (refused.length > 0) throw new Error(`A fixture event was not applied: ${JSON.stringify(refused)}`);
}

async function consignmentFixtures(
  asAdmin: Awaited<ReturnType<typeof callerFor>>,
  kinds: Record<SignedInWho, TestUser & { headers: Headers }>,
  toSiteId: string,
): Promise<Fixtures["consignments"]> {
  const store = await asAdmin.sites.create({ name: "Matrix Server Room", kind: "on_site" });
  const asStaff = await callerFor(app.db, app.auth, kinds.staffWrite.headers);
  const storedTape = async () => {
    const stored = await createTape(app.db);
    await asAdmin.locations.log({ tapeId: stored.id, kind: "on_site", siteId: store.id });
    return stored;
  };
  const planned = async (count: number) => {
    const tapes = [];
    for (let index = 0; index < count; index++) tapes.push(await storedTape());
    const tapeIds = tapes.map((stored) => stored.id);
    const { id } = await asStaff.consignments.create({ fromSiteId: store.id, toSiteId, tapeIds });
    return { id, tapeIds, barcodes: tapes.map((stored) => stored.barcode) };
  };
  const approvedOne = async (count: number) => {
    const consignment = await planned(count);
    await asStaff.consignments.submit({ id: consignment.id });
    await asAdmin.consignments.approve({ id: consignment.id });
    return consignment;
  };

  const draft = await planned(1);
  const awaiting = await planned(1);
  await asStaff.consignments.submit({ id: awaiting.id });
  const approved = await approvedOne(1);
  const inTransit = await approvedOne(1);
  await pushApplied(kinds.courierWrite.headers, [dispatchEvent(inTransit.id, inTransit.barcodes)]);
  const incident = await approvedOne(2);
  await pushApplied(kinds.courierWrite.headers, [
    dispatchEvent(incident.id, incident.barcodes),
    receiptEvent(incident.id, incident.barcodes.slice(0, 1), {
      sealIntact: false,
      sealDiscrepancy: "The seal was cut",
    }),
  ]);
  return {
    store,
    looseTape: await storedTape(),
    draft,
    awaiting,
    approved,
    inTransit,
    incident: { id: incident.id, missingTapeId: incident.tapeIds[1]! },
  };
}

async function auditFixtures(
  asAdmin: Awaited<ReturnType<typeof callerFor>>,
  kinds: Record<SignedInWho, TestUser & { headers: Headers }>,
): Promise<Fixtures["audits"]> {
  const room = await asAdmin.sites.create({ name: "Matrix Audit Room", kind: "on_site" });
  const asStaff = await callerFor(app.db, app.auth, kinds.staffWrite.headers);
  const missing = await createTape(app.db);
  await asAdmin.locations.log({ tapeId: missing.id, kind: "on_site", siteId: room.id });

  const open = await asStaff.audits.start({ siteId: room.id });
  await pushApplied(kinds.courierWrite.headers, [auditScanEvent(open.id, "MTXU01L8")]);
  const closed = await asStaff.audits.start({ siteId: room.id });
  await asStaff.audits.close({ id: closed.id });
  const incident = await asStaff.audits.start({ siteId: room.id });
  await asStaff.audits.close({ id: incident.id });
  await asStaff.audits.applyCorrections({ id: incident.id });
  return {
    room,
    open: { id: open.id, unknownBarcode: "MTXU01L8" },
    closed,
    incident: { id: incident.id, missingTapeId: missing.id },
  };
}

/** Headers of a request made by the user in this column, carrying their session cookie if they have one. */
const headersOf = (column: Column) => (column === "anonymous" ? requestHeaders() : fx.users[column].headers);

async function rejectedEventOf(userId: string) {
  const event = await app.db.syncEvent.create({
    data: {
      id: uuidv7(),
      type: "location.logged",
      deviceId: "matrix-phone",
      userId,
      occurredAt: new Date(),
      status: "rejected",
      reason: "barcode: Not a valid LTO label",
      content: { type: "location.logged", payload: { barcode: "NOPE" } },
    },
  });
  return event.id;
}

beforeAll(async () => {
  routeDeps.db = app.db;
  routeDeps.auth = app.auth;

  const signedIn = async (options: Parameters<typeof createTestUser>[1]) => {
    const user = await createTestUser(app.db, options);
    return { ...user, headers: await signIn(app.auth, user.email, user.password) };
  };
  const admin = await signedIn({ role: "admin", name: "Alice Admin" });
  const deactivated = await signedIn({ role: "staff", name: "Dora Deactivated" });
  const lingering = await signedIn({ role: "staff", name: "Lena Lingering" });
  const target = await createTestUser(app.db, { role: "staff", name: "Tom Target" });

  // Set up the way an administrator does it, so the audit log holds real entries too.
  const asAdmin = await callerFor(app.db, app.auth, admin.headers);
  const kinds = { admin } as Record<SignedInWho, TestUser & { headers: Headers }>;
  for (const who of SIGNED_IN.filter((kind) => kind !== "admin")) {
    const { label, role, access, approver } = KINDS[who];
    kinds[who] = await signedIn({ role, name: label.replace(/^./, (first) => first.toUpperCase()) });
    if (approver) await asAdmin.access.setApprover({ userId: kinds[who].id, approver: true });
    if (access === "read") await asAdmin.access.setBackupAccess({ userId: kinds[who].id, level: "read" });
  }
  await asAdmin.access.setActive({ userId: deactivated.id, active: false });
  await app.db.user.update({ where: { id: lingering.id }, data: { active: false } });

  const tape = await createTape(app.db);
  const spareTape = await createTape(app.db);
  const job = await createJob(app.db);
  await linkTape(app.db, job.id, tape.id, 1);
  await asAdmin.tapes.update({ id: tape.id, data: { status: "in_use", tags: ["matrix"] } });
  const location = await createLocation(app.db, tape.id, { isCurrent: true });
  const custody = await createCustody(app.db, tape.id);
  const site = await asAdmin.sites.create({ name: "Matrix Vault", kind: "off_site" });
  const awayTape = await createTape(app.db);
  await linkTape(app.db, job.id, awayTape.id, 2);
  await asAdmin.locations.log({ tapeId: awayTape.id, kind: "off_site", site: "Iron Vault" });
  const recall = await asAdmin.rotation.recallTape({ tapeId: awayTape.id, reason: "Restore drill", neededBy: today() });
  const consignments = await consignmentFixtures(asAdmin, kinds, site.id);
  const audits = await auditFixtures(asAdmin, kinds);
  const destroyedTape = await createTape(app.db);
  const destroyed = await asAdmin.destruction.record(destructionInput([destroyedTape.id]));
  const eligibleTape = await createTape(app.db);
  const unexpiredTape = await createTape(app.db);
  await asAdmin.jobs.create(jobInput({ jobDate: new Date(), retentionDays: 3650, tapeIds: [unexpiredTape.id] }));
  const scratchTape = await createTape(app.db);
  await asAdmin.jobs.create(jobInput({ tapeIds: [scratchTape.id] }));
  await asAdmin.tapes.update({ id: scratchTape.id, data: { status: "in_use" } });
  const { apiToken } = await asAdmin.integrations.create({ name: "Matrix integration", scopes: ["tapes:read"] });

  fx = {
    apiToken,
    users: { ...kinds, deactivated, lingering },
    target,
    tape,
    spareTape,
    awayTape,
    recall,
    job,
    location,
    custody,
    site,
    consignments,
    audits,
    destruction: {
      id: destroyed.id,
      destroyedTapeId: destroyedTape.id,
      eligibleTapeId: eligibleTape.id,
      unexpiredTapeId: unexpiredTape.id,
      scratchTapeId: scratchTape.id,
    },
    rejectedEvents: {
      // Anonymous callers have no events; one of someone else's is what they would try.
      anonymous: await rejectedEventOf(kinds.staffWrite.id),
      ...(Object.fromEntries(
        await Promise.all(SIGNED_IN.map(async (who) => [who, await rejectedEventOf(kinds[who].id)] as const)),
      ) as Record<SignedInWho, string>),
      deactivated: await rejectedEventOf(deactivated.id),
      lingering: await rejectedEventOf(lingering.id),
    },
    checkpoint: await createAuditCheckpoint(app.db),
  };
  // The rotation entries as a running server keeps them: a read that finds them current writes nothing.
  await refreshRotationEntries(app.db, await rotationParams(app.db));
  snapshot = await takeSnapshot(app.db);
  baseline = await fingerprint(app.db);
});

/** The database's fingerprint as the last test left it, when that test measured it. */
let lastSeen: TableFingerprint | undefined;
/** The write mark when the running test started from the fixtures. */
let fixturesMark: string;

/** Every test starts from the fixtures; only the tables a test changed are put back. */
async function fromFixtures() {
  const now = lastSeen ?? (await fingerprint(app.db));
  lastSeen = undefined;
  const changed = changedTables(baseline, now);
  if (changed.length > 0) await snapshot.restore(changed);
  fixturesMark = await writeMark(app.db);
}

/** Fails naming each table that differs from the fixtures, with its row count and digest before and after. */
function expectUnchanged(after: TableFingerprint, { except = [] }: { except?: readonly string[] } = {}) {
  const changed = changedTables(baseline, after).filter((table) => !except.includes(table));
  const pick = (from: TableFingerprint) => Object.fromEntries(changed.map((table) => [table, from[table]]));
  expect(pick(after), "tables changed").toEqual(pick(baseline));
}

/**
 * The database's fingerprint after a test's call, remembered for the next test's start. Most calls are
 * refused before they write: while the write mark is the one the test started with, the database is still
 * the fixtures, and the fingerprint (the cost of most tests) is not taken.
 */
async function fingerprintAfter() {
  lastSeen = (await writeMark(app.db)) === fixturesMark ? baseline : await fingerprint(app.db);
  return lastSeen;
}

// ------------------------------------------------------------------------------------------ the matrix

type RouterInputs = inferRouterInputs<AppRouter>;

type Cell<Input> = {
  /** What the case is, when a procedure has several. */
  label?: string;
  /** An input that succeeds for an allowed caller, so a refusal is the access check and nothing else. */
  input: (fx: Fixtures, column: Column) => Input;
  /** What the call needs; WHO_MAY says who holds it. */
  needs: Need;
  /** The refusal for callers not allowed, when it is not the usual UNAUTHORIZED / FORBIDDEN. */
  refusedWith?: "CONFLICT";
  /** A mutation only for the size of its input, which writes nothing even when allowed. */
  writesNothing?: true;
};

type Matrix = {
  [Namespace in keyof RouterInputs]: {
    [Procedure in keyof RouterInputs[Namespace]]:
      Cell<RouterInputs[Namespace][Procedure]> | Cell<RouterInputs[Namespace][Procedure]>[];
  };
};

const MATRIX: Matrix = {
  setup: {
    status: { input: () => undefined, needs: "public" },
    // Public only while no user exists (see "before the first administrator exists"); afterwards, nobody.
    createFirstAdmin: {
      input: () => ({ name: "Mallory", email: "mallory@example.test", password: TEST_PASSWORD }),
      needs: "nobody",
      refusedWith: "CONFLICT",
    },
  },
  access: {
    me: { input: () => undefined, needs: "signedIn" },
    // Their own password, read-only users too: it changes nothing of the backup module.
    changePassword: {
      input: () => ({ currentPassword: TEST_PASSWORD, newPassword: "fresh-vault-key-77" }),
      needs: "signedIn",
    },
    listUsers: { input: () => undefined, needs: "users.manage" },
    createUser: {
      input: () => ({ name: "Neil New", email: "neil@example.test", password: TEST_PASSWORD, role: "admin" }),
      needs: "users.manage",
    },
    setActive: { input: (fx) => ({ userId: fx.target.id, active: false }), needs: "users.manage" },
    setRole: { input: (fx) => ({ userId: fx.target.id, role: "admin" }), needs: "users.manage" },
    setBackupAccess: { input: (fx) => ({ userId: fx.target.id, level: "read" }), needs: "users.manage" },
    setApprover: { input: (fx) => ({ userId: fx.target.id, approver: true }), needs: "users.manage" },
  },
  tapes: {
    summary: { input: () => undefined, needs: "signedIn" },
    list: { input: () => ({}), needs: "signedIn" },
    search: { input: (fx) => ({ query: fx.tape.barcode.slice(0, 3) }), needs: "signedIn" },
    byBarcode: { input: (fx) => ({ barcode: fx.tape.barcode }), needs: "signedIn" },
    get: { input: (fx) => ({ id: fx.tape.id }), needs: "signedIn" },
    deletePreview: { input: (fx) => ({ id: fx.tape.id }), needs: "signedIn" },
    register: [
      { label: "an LTO label", input: () => ({ barcode: "MTX001L8", tags: ["new"] }), needs: "catalogue.edit" },
      {
        label: "a non-standard label",
        input: () => ({ nonStandard: true, barcode: "MTX-0001", mediaId: "L7" }),
        needs: "catalogue.edit",
      },
    ],
    correctBarcode: { input: (fx) => ({ id: fx.tape.id, barcode: "MTX009L8" }), needs: "catalogue.correct" },
    update: {
      input: (fx) => ({ id: fx.tape.id, data: { status: "full", notes: "Filled up" } }),
      needs: "catalogue.edit",
    },
    delete: { input: (fx) => ({ id: fx.tape.id }), needs: "catalogue.delete" },
    returnToScratch: { input: (fx) => ({ id: fx.destruction.scratchTapeId }), needs: "catalogue.edit" },
  },
  destruction: {
    check: { input: (fx) => ({ tapeIds: [fx.destruction.eligibleTapeId] }), needs: "signedIn" },
    list: { input: () => ({}), needs: "signedIn" },
    get: { input: (fx) => ({ id: fx.destruction.id }), needs: "signedIn" },
    ofTape: { input: (fx) => ({ tapeId: fx.destruction.destroyedTapeId }), needs: "signedIn" },
    record: [
      {
        label: "data expired",
        input: (fx) => destructionInput([fx.destruction.eligibleTapeId]),
        needs: "destruction.record",
      },
      {
        label: "data not expired, overridden",
        input: (fx) =>
          destructionInput([fx.destruction.unexpiredTapeId], { overrideReason: "The drive that wrote it leaked" }),
        needs: "destruction.override",
      },
    ],
  },
  jobs: {
    list: { input: () => ({}), needs: "signedIn" },
    get: { input: (fx) => ({ id: fx.job.id }), needs: "signedIn" },
    deletePreview: { input: (fx) => ({ id: fx.job.id }), needs: "signedIn" },
    create: { input: (fx) => jobInput({ tapeIds: [fx.spareTape.id] }), needs: "jobs.edit" },
    update: {
      input: (fx) => ({ ...jobInput({ name: "Weekly full" }), id: fx.job.id, tapeIds: [fx.tape.id] }),
      needs: "jobs.edit",
    },
    setSpan: { input: (fx) => ({ jobId: fx.job.id, tapeIds: [fx.spareTape.id, fx.tape.id] }), needs: "jobs.edit" },
    delete: { input: (fx) => ({ id: fx.job.id }), needs: "jobs.delete" },
    checkImport: {
      input: (fx) => ({ csv: `name,date,retention,barcodes\nNightly,2026-11-30,30,${fx.spareTape.barcode}\n` }),
      needs: "jobs.edit",
      writesNothing: true,
    },
    import: {
      input: (fx) => ({
        fileName: "jobs.csv",
        csv: `name,date,retention,barcodes\nNightly,2026-11-30,30,${fx.spareTape.barcode}\n`,
      }),
      needs: "jobs.edit",
    },
  },
  locations: {
    latestFor: { input: (fx) => ({ tapeId: fx.tape.id }), needs: "signedIn" },
    log: { input: (fx) => ({ tapeId: fx.tape.id, kind: "off_site", site: "Iron Vault" }), needs: "movements.record" },
  },
  custody: {
    record: {
      input: (fx) => ({ tapeId: fx.tape.id, fromParty: "Operations", toParty: "Iron Vault", signerName: "Vera Vault" }),
      needs: "movements.record",
    },
  },
  audit: {
    list: [
      {
        label: "a cartridge's history",
        input: (fx) => ({ entityType: "tape", entityId: fx.tape.id }),
        needs: "signedIn",
      },
      {
        label: "a user's history",
        input: (fx) => ({ entityType: "user", entityId: fx.target.id }),
        needs: "users.manage",
      },
    ],
    // The whole log names every user's changes to accounts too: administrators only.
    log: [
      { label: "everything", input: () => ({}), needs: "audit.review" },
      {
        label: "a cartridge's entries",
        input: () => ({ entityType: "tape", action: "update" }),
        needs: "audit.review",
      },
    ],
    locations: { input: (fx) => ({ tapeId: fx.tape.id }), needs: "signedIn" },
    custody: { input: () => ({}), needs: "signedIn" },
    verifyChain: [
      { label: "alone", input: () => undefined, needs: "audit.review" },
      { label: "against a checkpoint", input: (fx) => ({ checkpoint: fx.checkpoint }), needs: "audit.review" },
    ],
    checkpoint: { input: () => undefined, needs: "system.administer" },
  },
  sites: {
    list: { input: () => ({}), needs: "signedIn" },
    options: { input: () => undefined, needs: "signedIn" },
    get: { input: (fx) => ({ id: fx.site.id }), needs: "signedIn" },
    legacyTexts: { input: () => undefined, needs: "signedIn" },
    create: {
      input: () => ({ name: "Granite Vault", kind: "off_site", address: "1 Quarry Road" }),
      needs: "sites.manage",
    },
    update: {
      input: (fx) => ({ id: fx.site.id, data: { name: "Matrix Vault East", kind: "off_site" } }),
      needs: "sites.manage",
    },
    setActive: { input: (fx) => ({ id: fx.site.id, active: false }), needs: "sites.manage" },
    mapLegacy: { input: (fx) => ({ mappings: [{ text: "Server room", siteId: fx.site.id }] }), needs: "sites.manage" },
  },
  rotation: {
    overview: { input: () => undefined, needs: "signedIn" },
    list: { input: () => ({ list: "bring_back" }), needs: "signedIn" },
    recalls: { input: (fx) => ({ jobId: fx.job.id }), needs: "signedIn" },
    recallTape: {
      input: (fx) => ({ tapeId: fx.awayTape.id, reason: "Restore", neededBy: today() }),
      needs: "rotation.recall",
    },
    recallJob: {
      input: (fx) => ({ jobId: fx.job.id, reason: "Restore", neededBy: today() }),
      needs: "rotation.recall",
    },
    cancelRecall: { input: (fx) => ({ id: fx.recall.id }), needs: "rotation.recall" },
  },
  consignments: {
    list: { input: () => ({ filter: "all" }), needs: "signedIn" },
    get: { input: (fx) => ({ id: fx.consignments.incident.id }), needs: "signedIn" },
    ofTape: { input: (fx) => ({ tapeId: fx.consignments.incident.missingTapeId }), needs: "signedIn" },
    overview: { input: () => undefined, needs: "signedIn" },
    create: {
      input: (fx) => ({
        fromSiteId: fx.consignments.store.id,
        toSiteId: fx.site.id,
        tapeIds: [fx.consignments.looseTape.id],
      }),
      needs: "consignments.manage",
    },
    update: {
      input: (fx) => ({
        id: fx.consignments.draft.id,
        data: {
          fromSiteId: fx.consignments.store.id,
          toSiteId: fx.site.id,
          containerId: "Case 7",
          tapeIds: [...fx.consignments.draft.tapeIds, fx.consignments.looseTape.id],
        },
      }),
      needs: "consignments.manage",
    },
    submit: { input: (fx) => ({ id: fx.consignments.draft.id }), needs: "consignments.manage" },
    cancel: [
      {
        label: "a draft",
        input: (fx) => ({ id: fx.consignments.draft.id, reason: "Not needed" }),
        needs: "consignments.manage",
      },
      {
        label: "an approved one",
        input: (fx) => ({ id: fx.consignments.approved.id, reason: "The vault is closed" }),
        needs: "consignments.manage",
      },
    ],
    approve: { input: (fx) => ({ id: fx.consignments.awaiting.id }), needs: "consignments.approve" },
    reject: {
      input: (fx) => ({ id: fx.consignments.awaiting.id, reason: "Wrong vault" }),
      needs: "consignments.approve",
    },
    markFound: {
      input: (fx) => ({ id: fx.consignments.incident.id, tapeIds: [fx.consignments.incident.missingTapeId] }),
      needs: "consignments.manage",
    },
    declareLost: {
      input: (fx) => ({
        id: fx.consignments.incident.id,
        tapeId: fx.consignments.incident.missingTapeId,
        reason: "Not in the case",
      }),
      needs: "consignments.manage",
    },
    resolveIncident: {
      input: (fx) => ({ id: fx.consignments.incident.id, note: "The vault resealed the case" }),
      needs: "consignments.manage",
    },
  },
  audits: {
    list: { input: () => ({}), needs: "signedIn" },
    get: { input: (fx) => ({ id: fx.audits.open.id }), needs: "signedIn" },
    sites: { input: () => undefined, needs: "signedIn" },
    start: { input: (fx) => ({ siteId: fx.audits.room.id, shelf: "M-1" }), needs: "audits.run" },
    close: { input: (fx) => ({ id: fx.audits.open.id }), needs: "audits.run" },
    cancel: { input: (fx) => ({ id: fx.audits.open.id, reason: "Started by mistake" }), needs: "audits.run" },
    applyCorrections: { input: (fx) => ({ id: fx.audits.closed.id }), needs: "audits.run" },
    resolveMissing: {
      input: (fx) => ({
        auditId: fx.audits.incident.id,
        tapeId: fx.audits.incident.missingTapeId,
        resolution: "Found in the library",
      }),
      needs: "audits.run",
    },
    registerUnknown: {
      input: (fx) => ({ auditId: fx.audits.open.id, barcode: fx.audits.open.unknownBarcode }),
      needs: "catalogue.edit",
    },
  },
  reminders: {
    attention: { input: () => undefined, needs: "signedIn" },
  },
  // Each user's own daily digest, read-only users too: it changes nothing of the backup module.
  notifications: {
    get: { input: () => undefined, needs: "signedIn" },
    set: { input: () => ({ dailyDigest: true }), needs: "signedIn" },
  },
  integrations: {
    list: { input: () => undefined, needs: "integrations.manage" },
    create: {
      input: () => ({ name: "Matrix software", scopes: ["jobs:write", "tapes:read"] }),
      needs: "integrations.manage",
    },
    revoke: { input: (fx) => ({ id: fx.apiToken.id }), needs: "integrations.manage" },
  },
  settings: {
    get: { input: () => undefined, needs: "signedIn" },
    update: { input: () => ({ sendDelayDays: 3, leadTimeDays: "21" }), needs: "settings.manage" },
  },
  sync: {
    catalogue: { input: () => ({}), needs: "signedIn" },
    push: [
      {
        label: "a location",
        input: (fx) => ({ deviceId: "matrix-phone", events: [locationEvent(fx.tape.barcode)] }),
        needs: "movements.record",
      },
      {
        label: "an audit scan",
        input: (fx) => ({ deviceId: "matrix-phone", events: [auditScanEvent(fx.audits.open.id, fx.tape.barcode)] }),
        needs: "audits.scan",
      },
    ],
    discard: { input: (fx, column) => ({ id: fx.rejectedEvents[column] }), needs: "movements.record" },
  },
};

type AnyCell = Cell<unknown>;

function casesOf(procedurePath: string): AnyCell[] | undefined {
  const [namespace = "", name = ""] = procedurePath.split(".");
  const entry = (MATRIX as unknown as Record<string, Record<string, AnyCell | AnyCell[] | undefined> | undefined>)[
    namespace
  ]?.[name];
  if (!entry) return undefined;
  return Array.isArray(entry) ? entry : [entry];
}

/**
 * Every procedure the router serves, with whether it is a query or a mutation, as tRPC itself knows them.
 * At run time `_def.procedures` is flat, keyed by dotted path, whatever its declared type says.
 */
const PROCEDURES = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)
  .map(([procedurePath, procedure]) => ({ path: procedurePath, type: procedure._def.type }))
  .sort((a, b) => a.path.localeCompare(b.path));

type Outcome = "allowed" | "UNAUTHORIZED" | "FORBIDDEN" | "CONFLICT";

function outcomeFor(cell: AnyCell, column: Column): Outcome {
  const who = COLUMNS[column].actsAs;
  if (WHO_MAY[cell.needs].includes(who)) return "allowed";
  if (cell.refusedWith) return cell.refusedWith;
  return who === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN";
}

/** Calls a procedure by its dotted path, through a caller built for one request as the HTTP route builds it. */
async function call(headers: Headers, procedurePath: string, input: unknown): Promise<unknown> {
  const caller = await callerFor(app.db, app.auth, headers);
  const procedure = procedurePath
    .split(".")
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (
    input: unknown,
  ) => Promise<unknown>;
  return procedure(input);
}

/** The tRPC code a call was refused with and its message, or "allowed" when it succeeded. */
async function resultOf(promise: Promise<unknown>): Promise<{ outcome: string; message?: string }> {
  try {
    await promise;
    return { outcome: "allowed" };
  } catch (error) {
    if (error instanceof TRPCError) return { outcome: error.code, message: error.message };
    throw error;
  }
}

const outcomeOf = async (promise: Promise<unknown>) => (await resultOf(promise)).outcome;

const AS_ROLE: Record<Role, string> = {
  admin: "As an administrator",
  staff: "As staff",
  courier: "As a courier",
  custodian: "As a custodian",
};

/**
 * How a signed-in caller is told no: by their role when even write access would not do, else by their
 * read-only access. Either way the message says what they cannot do.
 */
function refusalWording(need: Need, who: SignedInWho): RegExp {
  const withWrite = who.replace(/Read$/, "Write") as SignedInWho;
  if (WHO_MAY[need].includes(withWrite)) return /^You have read-only access to Backup Monitor, so you cannot \w/;
  return new RegExp(`^${AS_ROLE[KINDS[who].role]} you cannot \\w`);
}

describe("tRPC procedures", () => {
  beforeEach(fromFixtures);

  test("every procedure of the app router has an entry in the matrix, and every entry a procedure", () => {
    const missing = PROCEDURES.filter((procedure) => !casesOf(procedure.path)).map((procedure) => procedure.path);
    expect(missing, `No access matrix entry for ${missing.join(", ")}`).toEqual([]);
    const served = new Set(PROCEDURES.map((procedure) => procedure.path));
    const stale = Object.entries(MATRIX).flatMap(([namespace, entries]) =>
      Object.keys(entries)
        .map((name) => `${namespace}.${name}`)
        .filter((procedurePath) => !served.has(procedurePath)),
    );
    expect(
      stale,
      `The access matrix has entries for procedures the router does not serve: ${stale.join(", ")}`,
    ).toEqual([]);
  });

  for (const procedure of PROCEDURES) {
    const cases = casesOf(procedure.path);
    if (!cases) {
      test(`${procedure.path}: no entry in the access matrix`, () => {
        expect.fail(`${procedure.path} has no entry in the access matrix: say who may call it and with what input`);
      });
      continue;
    }
    for (const cell of cases) {
      const name = cell.label ? `${procedure.path} (${cell.label})` : procedure.path;
      for (const column of Object.keys(COLUMNS) as Column[]) {
        const expected = outcomeFor(cell, column);
        const changes = expected === "allowed" && procedure.type === "mutation" && !cell.writesNothing;
        const title = expected === "allowed" ? "allowed" : `${expected}, nothing changes`;

        test(`${name}: ${COLUMNS[column].label} → ${title}`, async () => {
          const { outcome, message } = await resultOf(call(headersOf(column), procedure.path, cell.input(fx, column)));
          const after = await fingerprintAfter();
          expect(outcome).toBe(expected);
          // A refusal says why, in words the caller can act on.
          if (expected === "FORBIDDEN") expect(message).toMatch(refusalWording(cell.needs, column as SignedInWho));
          // An allowed mutation must change something, or the input proves nothing about the refusals.
          if (changes) expect(changedTables(baseline, after), "an allowed mutation changed nothing").not.toEqual([]);
          else expectUnchanged(after);
        });
      }
    }
  }
});

/**
 * A consignment's dispatch and receipt are events pushed like any movement: the push needs what recording
 * movements needs, and each event the step's own capability, without which the event alone is rejected
 * (and kept, as every rejected event is, for its author to see) while nothing else changes.
 */
describe("sync.push of a consignment's steps", () => {
  beforeEach(fromFixtures);

  const STEPS: { label: string; needs: Capability; event: (fx: Fixtures) => SyncEvent }[] = [
    {
      label: "a dispatch",
      needs: "consignments.dispatch",
      event: (fx) => dispatchEvent(fx.consignments.approved.id, fx.consignments.approved.barcodes),
    },
    {
      label: "a receipt",
      needs: "consignments.receive",
      event: (fx) => receiptEvent(fx.consignments.inTransit.id, fx.consignments.inTransit.barcodes),
    },
  ];

  for (const step of STEPS) {
    for (const column of Object.keys(COLUMNS) as Column[]) {
      const who = COLUMNS[column].actsAs;
      const pushes = WHO_MAY["movements.record"].includes(who);
      const applies = pushes && WHO_MAY[step.needs].includes(who);
      const title = applies
        ? "applied"
        : pushes
          ? "the event is rejected, nothing else changes"
          : `${who === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN"}, nothing changes`;

      test(`sync.push (${step.label}): ${COLUMNS[column].label} → ${title}`, async () => {
        const event = step.event(fx);
        const { outcome } = await resultOf(
          call(headersOf(column), "sync.push", { deviceId: "matrix-phone", events: [event] }),
        );
        const after = await fingerprintAfter();
        if (!pushes) {
          expect(outcome).toBe(who === "anonymous" ? "UNAUTHORIZED" : "FORBIDDEN");
          expectUnchanged(after);
          return;
        }
        expect(outcome).toBe("allowed");
        const stored = await app.db.syncEvent.findUniqueOrThrow({ where: { id: event.id } });
        if (applies) {
          expect(stored).toMatchObject({ status: "applied", reason: null });
          expect(changedTables(baseline, after)).toEqual(expect.arrayContaining(["backup_consignment"]));
        } else {
          expect(stored.status).toBe("rejected");
          expect(stored.reason).toMatch(refusalWording(step.needs, column as SignedInWho));
          expectUnchanged(after, { except: ["sync_event"] });
        }
      });
    }
  }
});

// ------------------------------------------------------------------------------------------ route handlers

type Method = "GET" | "POST";
type RouteContext = { params: Promise<Record<string, string>> };
type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

/** The app's route handlers and the paths Next.js sends to each, with the dynamic segments it would pass. */
const ROUTE_FILES: {
  file: string;
  pattern: RegExp;
  handlers: Partial<Record<Method, RouteHandler>>;
  params: (match: RegExpMatchArray) => Record<string, string>;
}[] = [
  {
    file: "app/api/trpc/[trpc]/route.ts",
    pattern: /^\/api\/trpc\/([^/]+)$/,
    handlers: trpcRoute as Record<Method, RouteHandler>,
    params: (match) => ({ trpc: match[1]! }),
  },
  {
    file: "app/api/v1/[[...path]]/route.ts",
    pattern: /^\/api\/v1(\/.*)?$/,
    handlers: restRoute as unknown as Record<Method, RouteHandler>,
    params: (match) => ({ path: match[1] ?? "" }),
  },
  {
    file: "app/api/auth/[...all]/route.ts",
    pattern: /^\/api\/auth\/(.+)$/,
    handlers: authRoute as Record<Method, RouteHandler>,
    params: (match) => ({ all: match[1]! }),
  },
  {
    file: "app/backup/audit/[entityType]/[id]/route.ts",
    pattern: /^\/backup\/audit\/([^/]+)\/([^/]+)$/,
    handlers: auditRoute as unknown as Record<Method, RouteHandler>,
    params: (match) => ({ entityType: decodeURIComponent(match[1]!), id: decodeURIComponent(match[2]!) }),
  },
  {
    file: "app/backup/consignments/[id]/manifest/route.ts",
    pattern: /^\/backup\/consignments\/([^/]+)\/manifest$/,
    handlers: manifestRoute as unknown as Record<Method, RouteHandler>,
    params: (match) => ({ id: decodeURIComponent(match[1]!) }),
  },
  {
    file: "app/backup/audits/[id]/report/route.ts",
    pattern: /^\/backup\/audits\/([^/]+)\/report$/,
    handlers: auditReportRoute as unknown as Record<Method, RouteHandler>,
    params: (match) => ({ id: decodeURIComponent(match[1]!) }),
  },
  {
    file: "app/backup/audits/[id]/report.csv/route.ts",
    pattern: /^\/backup\/audits\/([^/]+)\/report\.csv$/,
    handlers: auditReportCsvRoute as unknown as Record<Method, RouteHandler>,
    params: (match) => ({ id: decodeURIComponent(match[1]!) }),
  },
  {
    file: "app/backup/destructions/[id]/certificate/route.ts",
    pattern: /^\/backup\/destructions\/([^/]+)\/certificate$/,
    handlers: certificateRoute as unknown as Record<Method, RouteHandler>,
    params: (match) => ({ id: decodeURIComponent(match[1]!) }),
  },
  {
    file: "app/backup/database/route.ts",
    pattern: /^\/backup\/database$/,
    handlers: databaseRoute as unknown as Record<Method, RouteHandler>,
    params: () => ({}),
  },
  {
    file: "app/backup/export/[kind]/route.ts",
    pattern: /^\/backup\/export\/([^/]+)$/,
    handlers: exportRoute as unknown as Record<Method, RouteHandler>,
    params: (match) => ({ kind: decodeURIComponent(match[1]!) }),
  },
];

/** Sends a request to the route handler that serves its path, as Next.js would, and reads the whole answer. */
async function request(method: Method, target: string, headers: Headers, body?: string) {
  const url = new URL(target, BASE_URL);
  const route = ROUTE_FILES.find((candidate) => candidate.pattern.test(url.pathname));
  const handler = route?.handlers[method];
  if (!route || !handler) throw new Error(`No route handler serves ${method} ${url.pathname}`);
  const requestHeaders = new Headers(headers);
  if (body !== undefined) requestHeaders.set("content-type", "application/json");
  // better-auth refuses state-changing requests without the app's own origin, as a browser sends it.
  requestHeaders.set("origin", BASE_URL);
  const response = await handler(new Request(url, { method, headers: requestHeaders, body }), {
    params: Promise.resolve(route.params(url.pathname.match(route.pattern)!)),
  });
  await response.arrayBuffer();
  return response;
}

type RouteRow = {
  method: Method;
  path: (fx: Fixtures) => string;
  /** The route as the test names it. */
  name: string;
  body?: (fx: Fixtures, column: Column) => unknown;
  /** The status each kind of caller gets; deactivated users get what anonymous callers get. */
  status: (who: Who) => number;
  /** A success changes data (and so restores the fixtures after); anything else must change nothing. */
  writes?: boolean;
  /** better-auth's own endpoints, where a deactivated user's surviving session is not the app's to judge. */
  auth?: boolean;
};

/** `ok` for those WHO_MAY says hold `need`, 401 for anonymous callers, 403 for the rest. */
const byNeed =
  (need: Need, ok = 200) =>
  (who: Who) =>
    WHO_MAY[need].includes(who) ? ok : who === "anonymous" ? 401 : 403;
/** The same status whoever calls. */
const always = (status: number) => () => status;
/** One status for anonymous callers, another for everyone signed in. */
const signedOutOr = (anonymous: number, signedIn: number) => (who: Who) => (who === "anonymous" ? anonymous : signedIn);

const trpcPath = (procedure: string, input?: unknown) =>
  `/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(superjson.stringify(input))}`}`;

/** Another user's session token, so "revoke" would sign someone else out. */
const someoneElsesToken = async (fx: Fixtures, column: Column) => {
  const other = column === "admin" ? fx.users.staffWrite : fx.users.admin;
  return (await app.db.session.findFirstOrThrow({ where: { userId: other.id } })).token;
};

const ROUTES: RouteRow[] = [
  // The REST API answers API tokens only: a session, whoever's, is never asked about.
  { method: "GET", name: "GET /api/v1/openapi.json", path: () => "/api/v1/openapi.json", status: always(200) },
  { method: "GET", name: "GET /api/v1/tapes", path: () => "/api/v1/tapes", status: always(401) },
  {
    method: "POST",
    name: "POST /api/v1/tapes",
    path: () => "/api/v1/tapes",
    body: () => ({ barcode: "RST001L9" }),
    status: always(401),
  },
  // The tRPC route builds each request's context from its cookie: a query and a mutation of each access level.
  {
    method: "GET",
    name: "GET /api/trpc/setup.status",
    path: () => trpcPath("setup.status"),
    status: byNeed("public"),
  },
  {
    method: "GET",
    name: "GET /api/trpc/tapes.list",
    path: () => trpcPath("tapes.list", {}),
    status: byNeed("signedIn"),
  },
  {
    method: "POST",
    name: "POST /api/trpc/tapes.register",
    path: () => trpcPath("tapes.register"),
    body: () => superjson.serialize({ barcode: "MTX002L8" }),
    status: byNeed("catalogue.edit"),
    writes: true,
  },
  {
    method: "GET",
    name: "GET /api/trpc/access.listUsers",
    path: () => trpcPath("access.listUsers"),
    status: byNeed("users.manage"),
  },
  {
    method: "POST",
    name: "POST /api/trpc/setup.createFirstAdmin",
    path: () => trpcPath("setup.createFirstAdmin"),
    body: () => superjson.serialize({ name: "Mallory", email: "mallory@example.test", password: TEST_PASSWORD }),
    status: always(409),
  },

  // Audit trails of the backup module's entities: every signed-in user reads them.
  ...BACKUP_ENTITY_TYPES.map((entityType): RouteRow => ({
    method: "GET",
    name: `GET /backup/audit/${entityType}/<id>`,
    path: (fx) => {
      const ids = {
        tape: fx.tape.id,
        job: fx.job.id,
        location: fx.location.id,
        custody: fx.custody.id,
        sync_event: fx.rejectedEvents.staffWrite,
        site: fx.site.id,
        consignment: fx.consignments.incident.id,
        inventory_audit: fx.audits.incident.id,
        destruction: fx.destruction.id,
      };
      return `/backup/audit/${entityType}/${ids[entityType]}`;
    },
    status: byNeed("signedIn"),
  })),
  // User accounts' histories are for administrators, through audit.list; this route serves nobody them.
  {
    method: "GET",
    name: "GET /backup/audit/user/<id>",
    path: (fx) => `/backup/audit/user/${fx.target.id}`,
    status: always(404),
  },

  // A backup of the whole database, password hashes included: administrators only. On PostgreSQL the route
  // answers that pg_dump is the tool (409) once the caller is known to be an administrator.
  {
    method: "GET",
    name: "GET /backup/database",
    path: () => "/backup/database",
    status: byNeed("system.administer", testDatabaseUrl() ? 409 : 200),
  },
  {
    method: "GET",
    name: "GET /backup/consignments/<id>/manifest",
    path: (fx) => `/backup/consignments/${fx.consignments.incident.id}/manifest`,
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/audits/<id>/report",
    path: (fx) => `/backup/audits/${fx.audits.incident.id}/report`,
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/audits/<id>/report.csv",
    path: (fx) => `/backup/audits/${fx.audits.incident.id}/report.csv`,
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/destructions/<id>/certificate",
    path: (fx) => `/backup/destructions/${fx.destruction.id}/certificate`,
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/tapes",
    path: () => "/backup/export/tapes",
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/jobs",
    path: () => "/backup/export/jobs",
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/locations",
    path: () => "/backup/export/locations",
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/custody",
    path: () => "/backup/export/custody",
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/history?tape=<id>",
    path: (fx) => `/backup/export/history?tape=${fx.tape.id}`,
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/to-send",
    path: () => "/backup/export/to-send",
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/to-bring-back?overdue=1",
    path: () => "/backup/export/to-bring-back?overdue=1",
    status: byNeed("signedIn"),
  },
  {
    method: "GET",
    name: "GET /backup/export/audit",
    path: () => "/backup/export/audit",
    status: byNeed("audit.review"),
  },

  // better-auth's endpoints: none creates an account or changes a role, an activation or someone else's session.
  {
    method: "POST",
    name: "POST /api/auth/sign-up/email",
    path: () => "/api/auth/sign-up/email",
    body: () => ({ name: "Mallory", email: "mallory@example.test", password: TEST_PASSWORD }),
    status: always(400),
    auth: true,
  },
  {
    // Disabled: the name is an audited field that administrators set (role and active are refused anyway).
    method: "POST",
    name: "POST /api/auth/update-user",
    path: () => "/api/auth/update-user",
    body: (fx) => ({ name: fx.users.admin.name }),
    status: always(404),
    auth: true,
  },
  {
    method: "POST",
    name: "POST /api/auth/update-session (another user)",
    path: () => "/api/auth/update-session",
    body: (fx) => ({ userId: fx.users.admin.id }),
    status: signedOutOr(401, 400),
    auth: true,
  },
  {
    method: "POST",
    name: "POST /api/auth/change-email",
    path: () => "/api/auth/change-email",
    body: () => ({ newEmail: "someone-else@example.test" }),
    status: signedOutOr(401, 400),
    auth: true,
  },
  {
    method: "POST",
    name: "POST /api/auth/delete-user",
    path: () => "/api/auth/delete-user",
    body: () => ({ password: TEST_PASSWORD }),
    status: signedOutOr(401, 404),
    auth: true,
  },
  {
    method: "POST",
    name: "POST /api/auth/request-password-reset",
    path: () => "/api/auth/request-password-reset",
    body: (fx) => ({ email: fx.users.admin.email }),
    status: always(400),
    auth: true,
  },
  {
    method: "POST",
    name: "POST /api/auth/revoke-session (another user's)",
    path: () => "/api/auth/revoke-session",
    body: async (fx, column) => ({ token: await someoneElsesToken(fx, column) }),
    status: signedOutOr(401, 200),
    auth: true,
  },
  {
    method: "POST",
    name: "POST /api/auth/admin/create-user",
    path: () => "/api/auth/admin/create-user",
    body: () => ({ name: "Mallory", email: "mallory@example.test", password: TEST_PASSWORD, role: "admin" }),
    status: always(404),
    auth: true,
  },
];

/** Route files under app/, as Next.js finds them. */
function routeFilesOnDisk(): string[] {
  const root = path.resolve(__dirname, "../..");
  return (fs.readdirSync(path.join(root, "app"), { recursive: true }) as string[])
    .filter((file) => /(^|\/)route\.(ts|tsx|js)$/.test(file))
    .map((file) => `app/${file.split(path.sep).join("/")}`)
    .sort();
}

/**
 * better-auth's endpoints know nothing of roles or access levels: a user of each access level stands for
 * the rest. Nor of deactivation: the app signs a deactivated user out everywhere instead, so a session
 * that survived it is not theirs to judge.
 */
const AUTH_COLUMNS: readonly Column[] = ["anonymous", "admin", "staffRead", "courierWrite", "deactivated"];

/** Better-auth counts requests per address in this table: a refused request still counts against the limit. */
const RATE_LIMIT_TABLE = "app_rate_limit";

describe("route handlers", () => {
  beforeEach(fromFixtures);

  // better-auth logs an error for each request to a disabled endpoint: expected here, so kept out of the output.
  beforeAll(() => {
    const log = console.error;
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
      if (!/Better Auth\]:.*(is disabled|isn't enabled|Provider not found)/.test(args.map(String).join(" ")))
        log(...args);
    });
  });
  afterAll(() => vi.mocked(console.error).mockRestore());

  test("every route handler on disk has rows in the matrix", () => {
    const known = ROUTE_FILES.map((route) => route.file);
    const unknown = routeFilesOnDisk().filter((file) => !known.includes(file));
    expect(unknown, `No access matrix rows for ${unknown.join(", ")}`).toEqual([]);
    const untested = ROUTE_FILES.filter(
      (route) => !ROUTES.some((row) => route.pattern.test(new URL(row.path(fx), BASE_URL).pathname)),
    ).map((route) => route.file);
    expect(untested, `Route handlers without rows: ${untested.join(", ")}`).toEqual([]);
  });

  for (const row of ROUTES) {
    for (const column of row.auth ? AUTH_COLUMNS : (Object.keys(COLUMNS) as Column[])) {
      const status = row.status(COLUMNS[column].actsAs);
      const changes = row.writes === true && status < 300;

      test(`${row.name}: ${COLUMNS[column].label} → ${status}${changes ? "" : ", nothing changes"}`, async () => {
        const body = await row.body?.(fx, column);
        const response = await request(
          row.method,
          row.path(fx),
          headersOf(column),
          body === undefined ? undefined : JSON.stringify(body),
        );
        const after = await fingerprintAfter();
        expect(response.status).toBe(status);
        if (changes) expect(changedTables(baseline, after), "an allowed write changed nothing").not.toEqual([]);
        else expectUnchanged(after, { except: [RATE_LIMIT_TABLE] });
      });
    }
  }
});

// ------------------------------------------------------------------------------------------ first run

describe("before the first administrator exists", () => {
  beforeEach(async () => {
    lastSeen = undefined;
    await truncateAll(app.db);
  });

  const firstAdmin = { name: "Ada Admin", email: "ada@example.test", password: TEST_PASSWORD };

  test("setup.status: anonymous → allowed, and says setup is needed", async () => {
    const caller = await callerFor(app.db, app.auth, requestHeaders());
    expect(await caller.setup.status()).toMatchObject({ needsSetup: true });
  });

  test("setup.createFirstAdmin: anonymous on the server's own machine → allowed, once", async () => {
    const caller = await callerFor(app.db, app.auth, requestHeaders({ ip: LOCAL_IP }));
    await caller.setup.createFirstAdmin(firstAdmin);
    expect(await app.db.user.findMany({ select: { email: true, role: true } })).toEqual([
      { email: firstAdmin.email, role: "admin" },
    ]);

    // From then on it is shut, even from the server's own machine (signed-in callers: the matrix above).
    const before = await fingerprint(app.db);
    const again = await callerFor(app.db, app.auth, requestHeaders({ ip: LOCAL_IP }));
    expect(await outcomeOf(again.setup.createFirstAdmin({ ...firstAdmin, email: "eve@example.test" }))).toBe(
      "CONFLICT",
    );
    expect(await fingerprint(app.db)).toEqual(before);
  });

  test("setup.createFirstAdmin: anonymous elsewhere without the setup code → FORBIDDEN, nothing changes but the count of wrong codes", async () => {
    const before = await fingerprint(app.db);
    const caller = await callerFor(app.db, app.auth, requestHeaders({ ip: REMOTE_IP }));
    expect(await outcomeOf(caller.setup.createFirstAdmin(firstAdmin))).toBe("FORBIDDEN");
    const { app_setting: settings, ...rest } = await fingerprint(app.db);
    const { app_setting: settingsBefore, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(settings).not.toEqual(settingsBefore);
    expect(await app.db.appSetting.count({ where: { key: "setup_code_failures" } })).toBe(1);
  });

  // Only the setup procedures are public: before setup as after, everything else wants a signed-in user.
  for (const procedure of PROCEDURES.filter((candidate) => !candidate.path.startsWith("setup."))) {
    const cell = casesOf(procedure.path)?.[0];
    if (!cell) continue;
    test(`${procedure.path}: anonymous → UNAUTHORIZED, nothing changes`, async () => {
      const before = await fingerprint(app.db);
      expect(await outcomeOf(call(requestHeaders(), procedure.path, cell.input(fx, "anonymous")))).toBe("UNAUTHORIZED");
      expect(await fingerprint(app.db)).toEqual(before);
    });
  }
});
