import fc from "fast-check";
import { beforeEach, describe, expect, test } from "vitest";
import type { RotationList } from "../../lib/rotation";
import { DEFAULT_SETTINGS, type Settings } from "../../lib/settings";
import type { LocationKind } from "../../lib/vocabulary";
import { toDateInput } from "../../lib/dates";
import {
  ANALYZE_AFTER_ROWS,
  currentRotation,
  refreshRotationEntries,
  rotationCounts,
} from "../../server/rotation/entries";
import { listRotation, rotationParams } from "../../server/rotation/service";
import { addDays, utcDay } from "../../server/rotation/sql";
import { createTape } from "../factories/backup";
import { jobInput } from "../factories/jobs";
import { linkTape } from "../factories/tape-jobs";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { testDatabaseUrl } from "../helpers/database";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let writer: Caller;
let admin: Caller;
let reader: Caller;

beforeEach(async () => {
  await truncateAll(app.db);
  writer = (await signedInUser(app, { role: "staff", name: "Wanda Writer" })).caller;
  admin = (await signedInUser(app, { role: "admin", name: "Adam Admin" })).caller;
  reader = (await signedInUser(app, { role: "courier", backupAccess: "read" })).caller;
});

/** A fixed moment mid-morning, so "today" is 10 March 2026 whatever the clock says. */
const NOW = new Date("2026-03-10T09:30:00Z");
const TODAY = utcDay(NOW);
const day = (offset: number) => addDays(TODAY, offset);
const SETTINGS: Settings = { ...DEFAULT_SETTINGS, sendDelayDays: 1, leadTimeDays: 14 };

type JobSpec = { jobDate: Date; retentionDays: number };
type TapeSpec = { kind?: LocationKind; locatedAt?: Date; jobs?: JobSpec[] };

/** A job written straight to the database, expiry = job date + retention as the job service keeps it. */
async function job({ jobDate, retentionDays }: JobSpec) {
  return app.db.backupJob.create({
    data: { name: "Nightly", jobDate, retentionDays, expiresAt: addDays(jobDate, retentionDays) },
  });
}

async function locate(tapeId: string, kind: LocationKind, occurredAt: Date) {
  await app.db.backupTapeLocation.updateMany({ where: { tapeId, isCurrent: true }, data: { isCurrent: false } });
  await app.db.backupTapeLocation.create({
    data: { tapeId, kind, occurredAt, recordedByName: "Factory", isCurrent: true },
  });
}

async function cartridge({ kind, locatedAt = day(-30), jobs = [] }: TapeSpec) {
  const tape = await createTape(app.db);
  if (kind) await locate(tape.id, kind, locatedAt);
  for (const spec of jobs) await linkTape(app.db, (await job(spec)).id, tape.id);
  return tape;
}

async function listed(list: RotationList, settings = SETTINGS, now = NOW) {
  const page = await listRotation(app.db, { list, limit: 200 }, { now, settings });
  return page.items;
}
const ids = (items: { id: string }[]) => items.map((item) => item.id);

describe("to send off site", () => {
  test("the send delay's boundary: a job exactly the delay old is due today, a day younger is not listed yet", async () => {
    const due = await cartridge({ kind: "on_site", jobs: [{ jobDate: day(-1), retentionDays: 30 }] });
    const fresh = await cartridge({ kind: "on_site", jobs: [{ jobDate: day(0), retentionDays: 30 }] });
    const items = await listed("send");
    expect(ids(items)).toEqual([due.id]);
    expect(items[0]).toMatchObject({ nextMove: day(0), overdue: false });
    const later = await listed("send", SETTINGS, addDays(NOW, 1));
    expect(ids(later).sort()).toEqual([due.id, fresh.id].sort());
    expect(later.find((item) => item.id === due.id)).toMatchObject({ overdue: true });
    // A longer delay keeps the day-old job on site.
    expect(await listed("send", { ...SETTINGS, sendDelayDays: 2 })).toEqual([]);
  });

  test("send-by is the newest sendable job's day + delay; expired jobs do not count", async () => {
    const tape = await cartridge({
      kind: "on_site",
      jobs: [
        { jobDate: day(-20), retentionDays: 90 },
        { jobDate: day(-5), retentionDays: 90 },
        { jobDate: day(-3), retentionDays: 2 },
      ],
    });
    const expiredOnly = await cartridge({ kind: "on_site", jobs: [{ jobDate: day(-10), retentionDays: 10 }] });
    const items = await listed("send");
    expect(ids(items)).toEqual([tape.id]);
    expect(items[0]).toMatchObject({ nextMove: day(-4), overdue: true });
    expect(ids(items)).not.toContain(expiredOnly.id);
  });

  test("in transit, off site, or never located: not on the list to send", async () => {
    const jobs = [{ jobDate: day(-10), retentionDays: 90 }];
    await cartridge({ kind: "in_transit", jobs });
    await cartridge({ kind: "off_site", jobs });
    await cartridge({ jobs });
    expect(await listed("send")).toEqual([]);
  });

  test("packed in a consignment not yet dispatched: not on the list; cancelled or received, it counts again", async () => {
    const tape = await cartridge({ kind: "on_site", jobs: [{ jobDate: day(-10), retentionDays: 90 }] });
    const [home, vault] = await Promise.all(
      (["on_site", "off_site"] as const).map((kind) => app.db.backupSite.create({ data: { name: kind, kind } })),
    );
    const consignment = await app.db.backupConsignment.create({
      data: {
        number: "C-2026-0001",
        year: 2026,
        sequence: 1,
        fromSiteId: home!.id,
        toSiteId: vault!.id,
        createdByName: "Factory",
        tapes: { create: { tapeId: tape.id, expected: true } },
      },
    });
    for (const state of ["draft", "awaiting_approval", "approved"] as const) {
      await app.db.backupConsignment.update({ where: { id: consignment.id }, data: { state } });
      expect(await listed("send"), state).toEqual([]);
    }
    for (const state of ["cancelled", "received"] as const) {
      await app.db.backupConsignment.update({ where: { id: consignment.id }, data: { state } });
      expect(ids(await listed("send")), state).toEqual([tape.id]);
    }
  });
});

describe("to bring back", () => {
  test("the lead time's boundary: data expiring exactly lead-time days from today is listed, a day later is not", async () => {
    const atLead = await cartridge({ kind: "off_site", jobs: [{ jobDate: day(14 - 30), retentionDays: 30 }] });
    await cartridge({ kind: "off_site", jobs: [{ jobDate: day(15 - 30), retentionDays: 30 }] });
    const items = await listed("bring_back");
    expect(ids(items)).toEqual([atLead.id]);
    expect(items[0]).toMatchObject({ nextMove: day(0), overdue: false, dataExpiresAt: day(14) });
  });

  test("every job must expire within the lead time: one later job keeps the cartridge off site", async () => {
    await cartridge({
      kind: "off_site",
      jobs: [
        { jobDate: day(-400), retentionDays: 30 },
        { jobDate: day(-1), retentionDays: 365 },
      ],
    });
    const expired = await cartridge({ kind: "off_site", jobs: [{ jobDate: day(-400), retentionDays: 30 }] });
    const empty = await cartridge({ kind: "off_site", locatedAt: new Date("2026-02-01T15:00:00Z") });
    const items = await listed("bring_back");
    expect(ids(items)).toEqual([expired.id, empty.id]);
    expect(items[0]).toMatchObject({ nextMove: day(-400 + 30 - 14), overdue: true });
    // Without jobs there is nothing to keep off site: it was due back the day it went.
    expect(items[1]).toMatchObject({ nextMove: new Date("2026-02-01T00:00:00Z"), overdue: true });
  });

  test("a job spanning an off-site and an on-site cartridge puts each on its own list", async () => {
    const sent = await cartridge({ kind: "off_site" });
    const here = await cartridge({ kind: "on_site" });
    const spanning = await job({ jobDate: day(-10), retentionDays: 20 });
    await linkTape(app.db, spanning.id, sent.id, 1);
    await linkTape(app.db, spanning.id, here.id, 2);
    expect(ids(await listed("bring_back"))).toEqual([sent.id]);
    expect(ids(await listed("send"))).toEqual([here.id]);
  });

  test("a recalled cartridge with unexpired data is listed by its needed-by date until it is back on site", async () => {
    const tape = await cartridge({ kind: "off_site", jobs: [{ jobDate: day(-1), retentionDays: 365 }] });
    expect(await listed("bring_back")).toEqual([]);
    const neededBy = toDateInput(addDays(utcDay(new Date()), 3));
    const recall = await writer.rotation.recallTape({ tapeId: tape.id, reason: "Restore of the payroll DB", neededBy });
    const now = new Date();
    const [item] = await listed("bring_back", SETTINGS, now);
    expect(item).toMatchObject({ id: tape.id, nextMove: recall.neededBy, overdue: false });
    expect(item!.recallNeededBy).toEqual(recall.neededBy);

    // Back on site fulfils it; sent off again later, it is not recalled any more.
    await locate(tape.id, "on_site", new Date(now.getTime() + 1000));
    await locate(tape.id, "off_site", new Date(now.getTime() + 2000));
    expect(await listed("bring_back", SETTINGS, now)).toEqual([]);
    const error = await clientError(writer.rotation.cancelRecall({ id: recall.id }));
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toMatch(/back on site: the recall is fulfilled/);
  });
});

describe("recalls", () => {
  test("recall and cancel are audited on the cartridge, and cancelling takes it off the list", async () => {
    const tape = await cartridge({ kind: "off_site", jobs: [{ jobDate: day(-1), retentionDays: 365 }] });
    const neededBy = toDateInput(addDays(utcDay(new Date()), 2));
    const recall = await writer.rotation.recallTape({ tapeId: tape.id, reason: "Legal hold review", neededBy });
    expect(await writer.rotation.recalls({ tapeId: tape.id })).toMatchObject([
      { id: recall.id, reason: "Legal hold review" },
    ]);
    await writer.rotation.cancelRecall({ id: recall.id });
    expect(await listed("bring_back", SETTINGS, new Date())).toEqual([]);
    expect(await writer.rotation.recalls({ tapeId: tape.id })).toEqual([]);

    const audit = await app.db.backupAuditLog.findMany({ where: { entityId: tape.id }, orderBy: { id: "asc" } });
    expect(audit.map((entry) => [entry.action, entry.actorName])).toEqual([
      ["recall", "Wanda Writer"],
      ["cancel_recall", "Wanda Writer"],
    ]);
    expect(audit[0]!.changes).toMatchObject({
      reason: { from: null, to: "Legal hold review" },
      neededBy: { from: null, to: `${neededBy}T00:00:00.000Z` },
    });
    const again = await clientError(writer.rotation.cancelRecall({ id: recall.id }));
    expect(again.message).toMatch(/already cancelled/);
  });

  test("a job's recall recalls each of its cartridges away from the site and names the others", async () => {
    const away = await cartridge({ kind: "off_site" });
    const moving = await cartridge({ kind: "in_transit" });
    const here = await cartridge({ kind: "on_site" });
    const created = await writer.jobs.create(
      jobInput({ name: "Finance weekly", tapeIds: [away.id, moving.id, here.id] }),
    );
    const neededBy = toDateInput(addDays(utcDay(new Date()), 1));
    const result = await writer.rotation.recallJob({ jobId: created.id, reason: "Restore Q1", neededBy });
    expect(result.recalled).toEqual([away.barcode, moving.barcode]);
    expect(result.skipped).toEqual([{ barcode: here.barcode, reason: expect.stringMatching(/on site already/) }]);
    const open = await writer.rotation.recalls({ jobId: created.id });
    expect(open.map((recall) => [recall.barcode, recall.jobName])).toEqual(
      [away.barcode, moving.barcode].sort().map((barcode) => [barcode, "Finance weekly"]),
    );
  });

  test("bad recalls are refused with a reason and change nothing", async () => {
    const here = await cartridge({ kind: "on_site" });
    const away = await cartridge({ kind: "off_site" });
    const today = toDateInput(utcDay(new Date()));
    const before = await app.db.backupAuditLog.count();
    const onSite = await clientError(writer.rotation.recallTape({ tapeId: here.id, reason: "x", neededBy: today }));
    expect(onSite.message).toMatch(/on site already/);
    const past = await clientError(
      writer.rotation.recallTape({ tapeId: away.id, reason: "x", neededBy: toDateInput(day(-400)) }),
    );
    expect(past.data.fieldErrors?.neededBy).toEqual(["The needed-by date cannot be in the past"]);
    const noReason = await clientError(writer.rotation.recallTape({ tapeId: away.id, reason: " ", neededBy: today }));
    expect(noReason.data.fieldErrors?.reason).toEqual(["Say what the cartridge is needed for"]);
    const readOnly = await clientError(reader.rotation.recallTape({ tapeId: away.id, reason: "x", neededBy: today }));
    expect(readOnly.data.code).toBe("FORBIDDEN");
    const onlyHere = await writer.jobs.create(jobInput({ tapeIds: [here.id] }));
    const none = await clientError(writer.rotation.recallJob({ jobId: onlyHere.id, reason: "x", neededBy: today }));
    expect(none.message).toMatch(/None of the cartridges/);
    expect(await app.db.backupRecall.count()).toBe(0);
    expect(await app.db.backupAuditLog.count()).toBe(before + 1); // the job's creation only
  });
});

describe("lists follow the catalogue at once", () => {
  test("editing a job's retention moves its cartridge onto and off the list to bring back", async () => {
    const tape = await cartridge({ kind: "off_site" });
    const created = await writer.jobs.create(jobInput({ jobDate: day(-30), retentionDays: 365, tapeIds: [tape.id] }));
    const edit = { ...jobInput(), id: created.id, name: created.name, jobDate: day(-30), tapeIds: [tape.id] };
    expect(await listed("bring_back")).toEqual([]);
    await writer.jobs.update({ ...edit, retentionDays: 40 });
    expect(ids(await listed("bring_back"))).toEqual([tape.id]);
    await writer.jobs.update({ ...edit, retentionDays: 365 });
    expect(await listed("bring_back")).toEqual([]);
  });

  test("deleting the cartridge or its job takes it off the lists", async () => {
    const tape = await cartridge({ kind: "on_site" });
    const created = await writer.jobs.create(jobInput({ jobDate: day(-5), retentionDays: 30, tapeIds: [tape.id] }));
    expect(ids(await listed("send"))).toEqual([tape.id]);
    await writer.jobs.delete({ id: created.id });
    expect(await listed("send")).toEqual([]);
    const other = await cartridge({ kind: "off_site" });
    expect(ids(await listed("bring_back"))).toEqual([other.id]);
    await writer.tapes.delete({ id: other.id });
    expect(await listed("bring_back")).toEqual([]);
  });
});

describe("statistics", () => {
  test("a refresh writing many entries brings the planner's row count up to date at once, a small one leaves it", async () => {
    const rowEstimate = async () => {
      const [row] = await app.db.$queryRaw<{ rows: number }[]>`
        SELECT reltuples::int AS rows FROM pg_class WHERE oid = 'backup_rotation_entry'::regclass`;
      return row!.rows;
    };
    const cartridges = (from: number, count: number) =>
      app.db.backupTapeCartridge.createMany({
        data: Array.from({ length: count }, (_, i) => ({
          barcode: `${String(from + i).padStart(6, "0")}L9`,
          mediaId: "L9",
          generation: 9,
          mediaType: "data" as const,
        })),
      });
    await app.db.$executeRaw`ANALYZE backup_rotation_entry`;
    await cartridges(1, ANALYZE_AFTER_ROWS - 1);
    expect(await refreshRotationEntries(app.db, await rotationParams(app.db, NOW))).toEqual({
      refreshed: ANALYZE_AFTER_ROWS - 1,
    });
    expect(await rowEstimate()).toBeLessThan(1);
    await app.db.$executeRaw`UPDATE backup_tape_cartridge SET status = 'full'`;
    await cartridges(ANALYZE_AFTER_ROWS, 1);
    expect(await refreshRotationEntries(app.db, await rotationParams(app.db, NOW))).toEqual({
      refreshed: ANALYZE_AFTER_ROWS,
    });
    expect(await rowEstimate()).toBe(ANALYZE_AFTER_ROWS);
  });
});

describe("paging", () => {
  test("pages follow one another by next move without gaps, and the totals are the whole list's", async () => {
    const made = [];
    for (let i = 0; i < 7; i += 1)
      made.push(await cartridge({ kind: "on_site", jobs: [{ jobDate: day(-1 - (i % 3)), retentionDays: 30 }] }));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listRotation(app.db, { list: "send", limit: 3, cursor }, { now: NOW, settings: SETTINGS });
      expect(page.total).toBe(7);
      expect(page.overdue).toBe(made.filter((_, i) => i % 3 !== 0).length);
      seen.push(...ids(page.items));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen.sort()).toEqual(ids(made).sort());
    const first = await listRotation(app.db, { list: "send", limit: 3 }, { now: NOW, settings: SETTINGS });
    const other = await clientError(writer.rotation.list({ list: "bring_back", cursor: first.nextCursor! }));
    expect(other.message).toMatch(/another sort order/);
  });
});

describe("the cartridge table", () => {
  test("sorts and filters by next move and data expiry, the other filters still applying", async () => {
    const real = utcDay(new Date());
    const rel = (offset: number) => addDays(real, offset);
    const overdueToSend = await cartridge({ kind: "on_site", jobs: [{ jobDate: rel(-9), retentionDays: 90 }] });
    const dueBack = await cartridge({ kind: "off_site", jobs: [{ jobDate: rel(-50), retentionDays: 60 }] });
    const later = await cartridge({ kind: "off_site", jobs: [{ jobDate: rel(-1), retentionDays: 400 }] });
    const noJobs = await cartridge({});
    await writer.tapes.update({ id: dueBack.id, data: { status: "full", tags: [] } });

    const bySort = async (sort: "nextMove" | "dataExpiry", direction: "asc" | "desc") =>
      ids((await reader.tapes.list({ sort, direction })).items);
    expect(await bySort("nextMove", "asc")).toEqual([overdueToSend.id, dueBack.id, later.id, noJobs.id]);
    expect(await bySort("nextMove", "desc")).toEqual([later.id, dueBack.id, overdueToSend.id, noJobs.id]);
    expect(await bySort("dataExpiry", "asc")).toEqual([dueBack.id, overdueToSend.id, later.id, noJobs.id]);

    const page = await reader.tapes.list({ sort: "nextMove" });
    expect(page.items[0]).toMatchObject({ nextMove: rel(-8), overdue: true, expiresAt: rel(81) });
    // Data expiring in 10 days with a 14-day lead time: due back 4 days ago.
    expect(ids((await reader.tapes.list({ nextMove: "overdue" })).items)).toEqual([overdueToSend.id, dueBack.id]);
    expect(ids((await reader.tapes.list({ nextMove: "month", sort: "nextMove" })).items)).toEqual([
      overdueToSend.id,
      dueBack.id,
    ]);
    expect(ids((await reader.tapes.list({ nextMove: "month", status: "full" })).items)).toEqual([dueBack.id]);
    expect(ids((await reader.tapes.list({ nextMove: "month", locationKind: "on_site" })).items)).toEqual([
      overdueToSend.id,
    ]);

    // "Data expiring soon" on the overview counts exactly what its link lists.
    const summary = await reader.tapes.summary();
    const expiring = await reader.tapes.list({ dataExpiresWithin: summary.expiringWindowDays, sort: "dataExpiry" });
    expect(ids(expiring.items)).toEqual([dueBack.id]);
    expect(summary.expiringSoon).toBe(expiring.items.length);

    // Pages of a computed order follow one another, and a cursor of another order is refused.
    const first = await reader.tapes.list({ sort: "dataExpiry", limit: 2 });
    const second = await reader.tapes.list({ sort: "dataExpiry", limit: 2, cursor: first.nextCursor! });
    expect([...ids(first.items), ...ids(second.items)]).toEqual(await bySort("dataExpiry", "asc"));
    expect(second.nextCursor).toBeNull();
    const refused = await clientError(reader.tapes.list({ sort: "nextMove", cursor: first.nextCursor! }));
    expect(refused.message).toMatch(/another sort order/);
  });
});

describe("a refresh held by another reader", () => {
  // Two connections at once: PostgreSQL only (PGlite runs one transaction at a time).
  test.skipIf(!testDatabaseUrl())(
    "a page read meanwhile computes the cartridges changed since the entries were written, in order",
    async () => {
      const real = utcDay(new Date());
      const rel = (offset: number) => addDays(real, offset);
      const first = await cartridge({ kind: "on_site", jobs: [{ jobDate: rel(-9), retentionDays: 90 }] });
      const second = await cartridge({ kind: "off_site", jobs: [{ jobDate: rel(-50), retentionDays: 60 }] });
      const third = await cartridge({ kind: "off_site", jobs: [{ jobDate: rel(-1), retentionDays: 400 }] });
      const byNextMove = async () => ids((await reader.tapes.list({ sort: "nextMove" })).items);
      const sendList = async () => ids((await reader.rotation.list({ list: "send" })).items);
      expect(await byNextMove()).toEqual([first.id, second.id, third.id]);
      expect(await app.db.backupRotationStale.count()).toBe(0);

      const other = app.connect(1);
      let holding!: () => void;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const refresh = other.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('backup_rotation_entry'))`;
          holding();
          await released;
        },
        { timeout: 20_000 },
      );
      try {
        await held;
        // Sent off site, the first is due back only once its data is within the lead time: last.
        await writer.locations.log({ tapeId: first.id, kind: "off_site", site: "Iron Vault" });
        // Brought back, the third is to be sent again.
        await writer.locations.log({ tapeId: third.id, kind: "on_site", site: "Server room" });
        expect(await byNextMove()).toEqual([second.id, third.id, first.id]);
        expect(await sendList()).toEqual([third.id]);
        expect(await app.db.backupRotationStale.count()).toBeGreaterThan(0);
      } finally {
        release();
        await refresh;
      }
      expect(await byNextMove()).toEqual([second.id, third.id, first.id]);
      expect(await app.db.backupRotationStale.count()).toBe(0);
    },
  );
});

describe("settings", () => {
  test("defaults until set; changes are validated, audited and move cartridges at once", async () => {
    expect(await reader.settings.get()).toEqual(DEFAULT_SETTINGS);
    const tape = await cartridge({ kind: "on_site", jobs: [{ jobDate: utcDay(new Date()), retentionDays: 30 }] });
    expect(ids((await writer.rotation.list({ list: "send" })).items)).toEqual([]);
    await admin.settings.update({ sendDelayDays: 0 });
    expect(ids((await writer.rotation.list({ list: "send" })).items)).toEqual([tape.id]);
    expect(await admin.settings.update({ leadTimeDays: "30" })).toEqual({
      ...DEFAULT_SETTINGS,
      sendDelayDays: 0,
      leadTimeDays: 30,
    });
    // A checkbox's state and a number of hours, as the settings form sends them.
    expect(await admin.settings.update({ approvalForOffSite: "false", transitOverdueHours: "48" })).toMatchObject({
      approvalForOffSite: false,
      transitOverdueHours: 48,
    });
    // The same value again changes nothing and writes no entry.
    await admin.settings.update({ leadTimeDays: 30 });
    const audit = await app.db.backupAuditLog.findMany({ where: { entityType: "setting" }, orderBy: { id: "asc" } });
    expect(audit.map((entry) => [entry.entityId, entry.changes, entry.actorName])).toEqual([
      ["rotation.send_delay_days", { sendDelayDays: { from: 1, to: 0 } }, "Adam Admin"],
      ["rotation.lead_time_days", { leadTimeDays: { from: 14, to: 30 } }, "Adam Admin"],
      ["consignments.approval_for_off_site", { approvalForOffSite: { from: true, to: false } }, "Adam Admin"],
      ["consignments.transit_overdue_hours", { transitOverdueHours: { from: 24, to: 48 } }, "Adam Admin"],
    ]);
  });

  test("bad values are refused with a message per field, and staff may not change settings", async () => {
    const cases = [
      [{ sendDelayDays: -1 }, "sendDelayDays", "The send delay must be between 0 and 365 days"],
      [{ sendDelayDays: 1.5 }, "sendDelayDays", "The send delay must be a whole number of days"],
      [{ leadTimeDays: "" }, "leadTimeDays", "Enter the lead time in days"],
      [{ leadTimeDays: 4000 }, "leadTimeDays", "The lead time must be between 0 and 3,650 days"],
      [{ leadTimeDays: "two weeks" }, "leadTimeDays", "The lead time must be a whole number of days"],
      [{ transitOverdueHours: 0 }, "transitOverdueHours", "The time in transit must be between 1 and 2,160 hours"],
      [{ transitOverdueHours: "" }, "transitOverdueHours", "Enter the time in transit in hours"],
      [{ approvalForOffSite: "maybe" }, "approvalForOffSite", "Choose on or off"],
    ] as const;
    for (const [input, field, message] of cases) {
      // Some of these are what a program, not the form, might send: outside the input's type.
      const error = await clientError(admin.settings.update(input as never));
      expect(error.data.fieldErrors?.[field], JSON.stringify(input)).toEqual([message]);
    }
    const staff = await clientError(writer.settings.update({ sendDelayDays: 3 }));
    expect(staff.data.code).toBe("FORBIDDEN");
    const settingKeys = ["rotation.", "consignments."].map((prefix) => ({ key: { startsWith: prefix } }));
    expect(await app.db.appSetting.count({ where: { OR: settingKeys } })).toBe(0);
    expect(await app.db.backupAuditLog.count({ where: { entityType: "setting" } })).toBe(0);
  });
});

// ------------------------------------------------------------------------------------------ brute force

/** `recall`: the needed-by day of an open recall, in days from TODAY. */
type Catalogue = {
  kind: LocationKind | null;
  locatedAt: Date;
  jobs: JobSpec[];
  recall: number | null;
  destroyed?: boolean;
}[];

/** The rules of server/rotation/sql.ts written out again over plain objects, one cartridge at a time. */
function bruteForce(catalogue: Catalogue, tapeIds: string[], now: Date, settings: Settings) {
  const today = utcDay(now).getTime();
  const DAY = 86_400_000;
  const out: Record<RotationList, { id: string; nextMove: number; overdue: boolean }[]> = { send: [], bring_back: [] };
  catalogue.forEach((tape, index) => {
    const id = tapeIds[index]!;
    if (tape.destroyed) return;
    const jobs = tape.jobs.map((spec) => ({
      day: utcDay(spec.jobDate).getTime(),
      expires: spec.jobDate.getTime() + spec.retentionDays * DAY,
    }));
    if (tape.kind === "on_site") {
      const sendable = jobs.filter((j) => j.expires > now.getTime() && j.day + settings.sendDelayDays * DAY <= today);
      if (sendable.length > 0) {
        const nextMove = Math.max(...sendable.map((j) => j.day)) + settings.sendDelayDays * DAY;
        out.send.push({ id, nextMove, overdue: nextMove < today });
      }
    } else if (tape.kind === "off_site") {
      const expiry = jobs.length ? utcDay(new Date(Math.max(...jobs.map((j) => j.expires)))).getTime() : null;
      const recalled = tape.recall !== null ? TODAY.getTime() + tape.recall * DAY : null;
      if (expiry === null || expiry <= today + settings.leadTimeDays * DAY || recalled !== null) {
        const byData = expiry === null ? utcDay(tape.locatedAt).getTime() : expiry - settings.leadTimeDays * DAY;
        const nextMove = recalled === null ? byData : Math.min(byData, recalled);
        out.bring_back.push({ id, nextMove, overdue: nextMove < today });
      }
    }
  });
  for (const list of Object.values(out)) list.sort((a, b) => a.nextMove - b.nextMove || a.id.localeCompare(b.id));
  return out;
}

describe("property: the lists agree with a brute-force recomputation", () => {
  const jobArb = fc.record({
    jobDate: fc
      .integer({ min: -60, max: 2 })
      .chain((offset) =>
        fc.integer({ min: 0, max: 23 }).map((hour) => new Date(day(offset).getTime() + hour * 3_600_000)),
      ),
    retentionDays: fc.integer({ min: 0, max: 60 }),
  });
  const tapeArb = fc.record({
    kind: fc.constantFrom<LocationKind | null>("on_site", "off_site", "in_transit", null),
    locatedAt: fc.integer({ min: -40, max: 0 }).map((offset) => new Date(day(offset).getTime() + 5 * 3_600_000)),
    jobs: fc.array(jobArb, { maxLength: 3 }),
    recall: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
  });

  test("for random catalogues, moments and settings", async () => {
    const actor = await app.db.user.findFirstOrThrow();
    await fc.assert(
      fc.asyncProperty(
        fc.array(tapeArb, { maxLength: 12 }),
        fc.integer({ min: 0, max: 86_399_999 }),
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 30 }),
        async (catalogue, msIntoDay, sendDelayDays, leadTimeDays) => {
          await app.db.backupRecall.deleteMany();
          await app.db.backupJob.deleteMany();
          await app.db.backupTapeCartridge.deleteMany();
          const now = new Date(TODAY.getTime() + msIntoDay);
          const tapeIds: string[] = [];
          for (const spec of catalogue) {
            const tape = await cartridge({ kind: spec.kind ?? undefined, locatedAt: spec.locatedAt, jobs: spec.jobs });
            tapeIds.push(tape.id);
            if (spec.recall !== null && spec.kind === "off_site") {
              await app.db.backupRecall.create({
                data: {
                  tapeId: tape.id,
                  reason: "restore",
                  neededBy: day(spec.recall),
                  requestedAt: addDays(spec.locatedAt, 1),
                  requestedByName: actor.name,
                },
              });
            }
          }
          const recallable = catalogue.map((spec) => ({
            ...spec,
            recall: spec.kind === "off_site" ? spec.recall : null,
          }));
          const settings = { ...DEFAULT_SETTINGS, sendDelayDays, leadTimeDays };
          const expected = bruteForce(recallable, tapeIds, now, settings);
          for (const list of ["send", "bring_back"] as const) {
            const actual = (await listed(list, settings, now)).map((item) => ({
              id: item.id,
              nextMove: item.nextMove.getTime(),
              overdue: item.overdue,
            }));
            expect(actual, list).toEqual(expected[list]);
          }
        },
      ),
      { numRuns: 25, seed: 20261202 },
    );
  }, 300_000);
});

describe("property: the stored entries follow every change and the clock", () => {
  const tapeArb = fc.record({
    kind: fc.constantFrom<LocationKind | null>("on_site", "off_site", "in_transit", null),
    jobs: fc.array(
      fc.record({
        jobDate: fc.integer({ min: -30, max: 2 }).map((offset) => new Date(day(offset).getTime() + 7 * 3_600_000)),
        retentionDays: fc.integer({ min: 0, max: 40 }),
      }),
      { maxLength: 3 },
    ),
  });
  const slot = fc.nat(5);
  const step = fc.oneof(
    // Mostly hours to a few days, so that jobs written in the run become sendable and expire between reads.
    {
      arbitrary: fc.record({
        op: fc.constant("wait" as const),
        hours: fc.oneof(
          { arbitrary: fc.integer({ min: 1, max: 72 }), weight: 3 },
          fc.integer({ min: 1, max: 24 * 20 }),
        ),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        op: fc.constant("move" as const),
        tape: slot,
        kind: fc.constantFrom<LocationKind>("on_site", "off_site", "in_transit"),
      }),
      weight: 3,
    },
    fc.record({ op: fc.constant("recall" as const), tape: slot, neededBy: fc.integer({ min: 0, max: 30 }) }),
    fc.record({ op: fc.constant("cancel" as const), tape: slot }),
    fc.record({ op: fc.constant("retain" as const), tape: slot, retentionDays: fc.integer({ min: 0, max: 60 }) }),
    {
      arbitrary: fc.record({
        op: fc.constant("write" as const),
        tape: slot,
        retentionDays: fc.integer({ min: 0, max: 60 }),
      }),
      weight: 3,
    },
    fc.record({ op: fc.constant("destroy" as const), tape: slot }),
    fc.record({ op: fc.constant("settings" as const), leadTimeDays: fc.integer({ min: 0, max: 20 }) }),
  );

  test("after random moves, recalls, job edits, destructions, setting changes and the passing of days", async () => {
    const actor = await app.db.user.findFirstOrThrow();
    await fc.assert(
      fc.asyncProperty(
        fc.array(tapeArb, { minLength: 1, maxLength: 6 }),
        fc.array(step, { maxLength: 12 }),
        async (start, steps) => {
          await app.db.backupRecall.deleteMany();
          await app.db.backupJob.deleteMany();
          await app.db.backupTapeCartridge.deleteMany();
          let now = NOW;
          let settings = SETTINGS;
          const tapeIds: string[] = [];
          const jobIds: string[][] = [];
          const model: Catalogue = [];
          for (const spec of start) {
            const tape = await cartridge({ kind: spec.kind ?? undefined, locatedAt: day(-30) });
            const jobs = [];
            for (const jobSpec of spec.jobs) {
              const created = await job(jobSpec);
              await linkTape(app.db, created.id, tape.id);
              jobs.push(created.id);
            }
            tapeIds.push(tape.id);
            jobIds.push(jobs);
            model.push({ kind: spec.kind, locatedAt: day(-30), jobs: [...spec.jobs], recall: null });
          }
          const check = async (after: string) => {
            const expected = bruteForce(model, tapeIds, now, settings);
            // Before any refresh: the entries the change left stale are computed and the counts corrected.
            for (const list of ["send", "bring_back"] as const) {
              const members = await app.db.$queryRaw<{ id: string; nextMove: Date; overdue: boolean }[]>`
                SELECT r.tape_id AS id, r.next_move AS "nextMove", r.overdue
                FROM ${currentRotation({ now, settings }, { list })} r ORDER BY r.next_move, r.tape_id`;
              expect(
                members.map((item) => ({ ...item, nextMove: item.nextMove.getTime() })),
                `${list} unrefreshed after ${after}`,
              ).toEqual(expected[list]);
              const [counts] = await app.db.$queryRaw<{ total: bigint; overdue: bigint }[]>`
                SELECT * FROM ${rotationCounts({ now, settings }, list)} c`;
              expect(
                [Number(counts!.total), Number(counts!.overdue)],
                `${list} unrefreshed counts after ${after}`,
              ).toEqual([expected[list].length, expected[list].filter((item) => item.overdue).length]);
            }
            for (const list of ["send", "bring_back"] as const) {
              const actual = (await listed(list, settings, now)).map((item) => ({
                id: item.id,
                nextMove: item.nextMove.getTime(),
                overdue: item.overdue,
              }));
              expect(actual, `${list} after ${after}`).toEqual(expected[list]);
            }
            // The read wrote back what it computed: the next one starts from entries.
            expect(await app.db.backupRotationStale.count()).toBe(0);
            expect(await app.db.backupRotationEntry.count()).toBe(tapeIds.length);
            // The sums kept per day are a recount of the entries, and give each list's counts.
            const kept = await app.db.backupRotationCount.findMany({ orderBy: [{ list: "asc" }, { nextMove: "asc" }] });
            const recounted = await app.db.$queryRaw<typeof kept>`
              SELECT list, next_move AS "nextMove", count(*)::int AS entries FROM backup_rotation_entry
              WHERE list IS NOT NULL GROUP BY list, next_move ORDER BY list, next_move`;
            expect(kept, `kept counts after ${after}`).toEqual(recounted);
            for (const list of ["send", "bring_back"] as const) {
              const page = await listRotation(app.db, { list, limit: 1 }, { now, settings });
              expect([page.total, page.overdue], `${list} counts after ${after}`).toEqual([
                expected[list].length,
                expected[list].filter((item) => item.overdue).length,
              ]);
            }
          };
          await check("the start");
          for (const s of steps) {
            const index = "tape" in s ? s.tape % tapeIds.length : 0;
            const tapeId = tapeIds[index]!;
            const tape = model[index]!;
            if (s.op === "wait") now = new Date(now.getTime() + s.hours * 3_600_000);
            else if (s.op === "move") {
              await locate(tapeId, s.kind, now);
              if (s.kind === "on_site") tape.recall = null;
              tape.kind = s.kind;
              tape.locatedAt = now;
            } else if (s.op === "recall") {
              if (tape.kind !== "off_site") continue;
              await app.db.backupRecall.create({
                data: {
                  tapeId,
                  reason: "restore",
                  neededBy: day(s.neededBy),
                  requestedAt: now,
                  requestedByName: actor.name,
                },
              });
              tape.recall = Math.min(tape.recall ?? Infinity, s.neededBy);
            } else if (s.op === "cancel") {
              await app.db.backupRecall.updateMany({ where: { tapeId }, data: { cancelledAt: now } });
              tape.recall = null;
            } else if (s.op === "retain" || s.op === "write") {
              const jobDate = utcDay(now);
              if (s.op === "write" || jobIds[index]!.length === 0) {
                const created = await job({ jobDate, retentionDays: s.retentionDays });
                await linkTape(app.db, created.id, tapeId);
                jobIds[index]!.push(created.id);
                tape.jobs.push({ jobDate, retentionDays: s.retentionDays });
              } else {
                const jobId = jobIds[index]!.at(-1)!;
                const edited = tape.jobs.at(-1)!;
                await app.db.backupJob.update({
                  where: { id: jobId },
                  data: { retentionDays: s.retentionDays, expiresAt: addDays(edited.jobDate, s.retentionDays) },
                });
                edited.retentionDays = s.retentionDays;
              }
            } else if (s.op === "destroy") {
              await app.db.backupTapeCartridge.update({ where: { id: tapeId }, data: { status: "destroyed" } });
              tape.destroyed = true;
            } else settings = { ...settings, leadTimeDays: s.leadTimeDays };
            await check(JSON.stringify(s));
          }
        },
      ),
      { numRuns: 40, seed: 20261203 },
    );
  }, 300_000);
});

describe("property: each cartridge's maintained rotation row equals a recount of its jobs", () => {
  type Row = {
    tapeId: string;
    dataExpiresAt: Date;
    newestJobDay: Date;
    frontierDays: Date[];
    frontierExpiries: Date[];
  };

  /** The row a cartridge should have, from its jobs' dates, worked out here rather than in SQL. */
  function recount(jobs: { jobDate: Date; expiresAt: Date }[]): Omit<Row, "tapeId"> | null {
    if (jobs.length === 0) return null;
    const latestByDay = new Map<number, number>();
    for (const job of jobs) {
      const dayMs = utcDay(job.jobDate).getTime();
      latestByDay.set(dayMs, Math.max(latestByDay.get(dayMs) ?? -Infinity, job.expiresAt.getTime()));
    }
    const frontier: [number, number][] = [];
    for (const [dayMs, expiresMs] of [...latestByDay].sort(([a], [b]) => b - a)) {
      if (frontier.length === 0 || expiresMs > frontier.at(-1)![1]) frontier.push([dayMs, expiresMs]);
    }
    return {
      dataExpiresAt: new Date(Math.max(...jobs.map((job) => job.expiresAt.getTime()))),
      newestJobDay: new Date(Math.max(...latestByDay.keys())),
      frontierDays: frontier.map(([dayMs]) => new Date(dayMs)),
      frontierExpiries: frontier.map(([, expiresMs]) => new Date(expiresMs)),
    };
  }

  const jobDate = fc
    .tuple(fc.integer({ min: -40, max: 3 }), fc.integer({ min: 0, max: 23 }))
    .map(([offset, hour]) => new Date(day(offset).getTime() + hour * 3_600_000));
  const retention = fc.integer({ min: 0, max: 60 });
  const slot = fc.nat(7);
  const step = fc.oneof(
    fc.record({ op: fc.constant("job" as const), jobDate, retention }),
    fc.record({ op: fc.constant("link" as const), job: slot, tape: slot }),
    fc.record({ op: fc.constant("unlink" as const), job: slot, tape: slot }),
    fc.record({ op: fc.constant("move" as const), job: slot, tape: slot, to: slot }),
    fc.record({ op: fc.constant("redate" as const), job: slot, jobDate, retention }),
    fc.record({ op: fc.constant("retain" as const), job: slot, retention }),
    fc.record({ op: fc.constant("deleteJob" as const), job: slot }),
    fc.record({ op: fc.constant("deleteTape" as const), tape: slot }),
    fc.record({ op: fc.constant("tape" as const) }),
  );

  const initial = fc.array(fc.record({ jobDate, retention, tapes: fc.subarray([0, 1, 2, 3], { minLength: 1 }) }), {
    minLength: 1,
    maxLength: 6,
  });

  test("after random job edits, link changes and deletes", async () => {
    await fc.assert(
      fc.asyncProperty(initial, fc.array(step, { minLength: 1, maxLength: 20 }), async (start, steps) => {
        await app.db.backupJob.deleteMany();
        await app.db.backupTapeCartridge.deleteMany();
        const tapes: string[] = [];
        for (let n = 0; n < 4; n++) tapes.push((await createTape(app.db)).id);
        const jobs: string[] = [];
        for (const spec of start) {
          const { id } = await job({ jobDate: spec.jobDate, retentionDays: spec.retention });
          jobs.push(id);
          for (const [position, tape] of spec.tapes.entries()) await linkTape(app.db, id, tapes[tape]!, position + 1);
        }
        const pick = (ids: string[], index: number) => (ids.length ? ids[index % ids.length]! : null);
        for (const s of steps) {
          const jobId = "job" in s ? pick(jobs, s.job) : null;
          const tapeId = "tape" in s ? pick(tapes, s.tape) : null;
          if (s.op === "tape") tapes.push((await createTape(app.db)).id);
          else if (s.op === "job") jobs.push((await job({ jobDate: s.jobDate, retentionDays: s.retention })).id);
          else if (s.op === "deleteJob" && jobId) {
            await app.db.backupJob.delete({ where: { id: jobId } });
            jobs.splice(jobs.indexOf(jobId), 1);
          } else if (s.op === "deleteTape" && tapeId) {
            await app.db.backupTapeCartridge.delete({ where: { id: tapeId } });
            tapes.splice(tapes.indexOf(tapeId), 1);
          } else if (s.op === "redate" && jobId) {
            await app.db.backupJob.update({
              where: { id: jobId },
              data: { jobDate: s.jobDate, expiresAt: addDays(s.jobDate, s.retention) },
            });
          } else if (s.op === "retain" && jobId) {
            const { jobDate: date } = await app.db.backupJob.findUniqueOrThrow({ where: { id: jobId } });
            await app.db.backupJob.update({ where: { id: jobId }, data: { expiresAt: addDays(date, s.retention) } });
          } else if (jobId && tapeId) {
            const link = { jobId_tapeId: { jobId, tapeId } };
            const linked = await app.db.backupJobTape.findUnique({ where: link });
            if (s.op === "link" && !linked) {
              const last = await app.db.backupJobTape.aggregate({ where: { jobId }, _max: { position: true } });
              await linkTape(app.db, jobId, tapeId, (last._max.position ?? 0) + 1);
            } else if (s.op === "unlink" && linked) await app.db.backupJobTape.delete({ where: link });
            else if (s.op === "move" && linked) {
              const to = pick(tapes, s.to)!;
              if (!(await app.db.backupJobTape.findUnique({ where: { jobId_tapeId: { jobId, tapeId: to } } }))) {
                await app.db.backupJobTape.update({ where: link, data: { tapeId: to } });
              }
            }
          }
        }
        const links = await app.db.backupJobTape.findMany({
          select: { tapeId: true, job: { select: { jobDate: true, expiresAt: true } } },
        });
        const expected = tapes
          .map((tapeId) => ({ tapeId, row: recount(links.filter((l) => l.tapeId === tapeId).map((l) => l.job)) }))
          .flatMap(({ tapeId, row }) => (row ? [{ tapeId, ...row }] : []))
          .sort((a, b) => a.tapeId.localeCompare(b.tapeId));
        const actual = await app.db.backupTapeRotation.findMany({ orderBy: { tapeId: "asc" } });
        expect(actual).toEqual(expected);
      }),
      { numRuns: 40, seed: 20261202 },
    );
  }, 300_000);
});
