import { beforeAll, beforeEach, describe, expect, test } from "vitest";
import { can } from "../../lib/capabilities";
import { createCustody, createJob, createLocation, createTape } from "../factories/backup";
import { jobInput } from "../factories/jobs";
import { locationEvent, tapeRegisteredEvent } from "../factories/sync-events";
import { callerFor, clientError, signedInUser, useTestApp } from "../helpers/app";
import { fingerprint, takeSnapshot, type DbSnapshot } from "../helpers/db-snapshot";

const app = useTestApp();

type Someone = Awaited<ReturnType<typeof signedInUser>>;
let admin: Someone;
let staff: Someone;
let courier: Someone;
let custodian: Someone;
let tape: { id: string; barcode: string };
let job: { id: string };
let snapshot: DbSnapshot;

beforeAll(async () => {
  admin = await signedInUser(app, { role: "admin", name: "Alice Admin" });
  staff = await signedInUser(app, { role: "staff", name: "Sam Staff" });
  courier = await signedInUser(app, { role: "courier", name: "Carl Courier" });
  custodian = await signedInUser(app, { role: "custodian", name: "Cora Custodian" });
  tape = await createTape(app.db);
  job = await createJob(app.db);
  // A cartridge with history: deleting it would take its locations and hand-offs with it.
  await createLocation(app.db, tape.id, { isCurrent: true });
  await createCustody(app.db, tape.id);
  snapshot = await takeSnapshot(app.db);
});

beforeEach(() => snapshot.restore());

/** The viewer someone's session proves on their next request, as the app shell and `can()` see them. */
const viewerOf = async (someone: Someone) => (await callerFor(app.db, app.auth, someone.headers)).access.me();

describe("a courier", () => {
  test("cannot delete a cartridge: refused with the reason, and nothing is written", async () => {
    const before = await fingerprint(app.db);
    const error = await clientError(courier.caller.tapes.delete({ id: tape.id }));

    expect(error.data.code).toBe("FORBIDDEN");
    expect(error.message).toBe("As a courier you cannot delete cartridges");
    expect(await fingerprint(app.db)).toEqual(before);
    expect(await app.db.backupTapeCartridge.count({ where: { id: tape.id } })).toBe(1);
  });

  test("cannot register, edit or correct cartridges, nor create or delete jobs", async () => {
    const before = await fingerprint(app.db);
    const refusals = await Promise.all([
      clientError(courier.caller.tapes.register({ barcode: "CRR001L8" })),
      clientError(courier.caller.tapes.update({ id: tape.id, data: { status: "full", notes: "Mine now" } })),
      clientError(courier.caller.tapes.correctBarcode({ id: tape.id, barcode: "CRR002L8" })),
      clientError(courier.caller.jobs.create(jobInput({ tapeIds: [tape.id] }))),
      clientError(courier.caller.jobs.delete({ id: job.id })),
    ]);
    expect(refusals.map((error) => error.message)).toEqual([
      "As a courier you cannot register or edit cartridges",
      "As a courier you cannot register or edit cartridges",
      "As a courier you cannot correct a cartridge's barcode",
      "As a courier you cannot create or edit backup jobs",
      "As a courier you cannot delete backup jobs",
    ]);
    expect(await fingerprint(app.db)).toEqual(before);
  });

  test("logs a location and records a hand-off at the desk", async () => {
    await courier.caller.locations.log({ tapeId: tape.id, kind: "in_transit", site: "Van 2" });
    await courier.caller.custody.record({
      tapeId: tape.id,
      fromParty: "Operations",
      toParty: "Carl Courier",
      signerName: "Carl Courier",
    });
    expect(await app.db.backupTapeLocation.findFirst({ where: { tapeId: tape.id, isCurrent: true } })).toMatchObject({
      kind: "in_transit",
      site: "Van 2",
      recordedById: courier.user.id,
    });
    expect(await app.db.backupTapeCustody.count({ where: { tapeId: tape.id } })).toBe(2);
  });

  test("pushes the phone's moves; a registration among them is rejected with the reason, the rest apply", async () => {
    const move = locationEvent(tape.barcode, { site: "Iron Vault" });
    const registration = tapeRegisteredEvent("CRR003L8");
    const results = await courier.caller.sync.push({ deviceId: "courier-phone", events: [registration, move] });

    expect(results).toEqual([
      { id: registration.id, status: "rejected", reason: "As a courier you cannot register or edit cartridges" },
      { id: move.id, status: "applied" },
    ]);
    expect(await app.db.backupTapeCartridge.count({ where: { barcode: "CRR003L8" } })).toBe(0);
    expect(await app.db.syncEvent.findUniqueOrThrow({ where: { id: registration.id } })).toMatchObject({
      status: "rejected",
    });

    // The rejected registration is the courier's own to set aside.
    await courier.caller.sync.discard({ id: registration.id });
    expect(await app.db.syncEvent.findUniqueOrThrow({ where: { id: registration.id } })).toMatchObject({
      status: "discarded",
    });
  });

  test("a custodian fares the same: moves yes, deletes no", async () => {
    await custodian.caller.locations.log({ tapeId: tape.id, kind: "off_site", site: "Iron Vault" });
    await expect(custodian.caller.tapes.delete({ id: tape.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "As a custodian you cannot delete cartridges",
    });
  });
});

describe("staff", () => {
  test("register, edit and delete cartridges, and a phone's registration applies", async () => {
    const { id } = await staff.caller.tapes.register({ barcode: "STF001L8" });
    await staff.caller.tapes.update({ id, data: { status: "empty", notes: "Spare" } });
    const registration = tapeRegisteredEvent("STF002L8");
    expect(await staff.caller.sync.push({ deviceId: "staff-phone", events: [registration] })).toEqual([
      { id: registration.id, status: "applied" },
    ]);
    await staff.caller.tapes.delete({ id: tape.id });
    expect(await app.db.backupTapeCartridge.count({ where: { id: tape.id } })).toBe(0);
  });

  test("cannot correct a barcode or manage users", async () => {
    await expect(staff.caller.tapes.correctBarcode({ id: tape.id, barcode: "STF009L8" })).rejects.toMatchObject({
      message: "As staff you cannot correct a cartridge's barcode",
    });
    await expect(staff.caller.access.listUsers()).rejects.toMatchObject({
      message: "As staff you cannot manage users and their access",
    });
  });

  test("with read access change nothing, and are told so", async () => {
    await admin.caller.access.setBackupAccess({ userId: staff.user.id, level: "read" });
    const nextRequest = await callerFor(app.db, app.auth, staff.headers);
    const before = await fingerprint(app.db);
    const error = await clientError(nextRequest.tapes.delete({ id: tape.id }));
    expect(error.message).toBe("You have read-only access to Backup Monitor, so you cannot delete cartridges");
    expect(await fingerprint(app.db)).toEqual(before);
  });
});

describe("approvers", () => {
  test("staff approve only once an administrator marks them; administrators always do; couriers never", async () => {
    expect(can(await viewerOf(staff), "consignments.approve")).toBe(false);
    expect(can(await viewerOf(admin), "consignments.approve")).toBe(true);
    expect(can(await viewerOf(courier), "consignments.approve")).toBe(false);

    await admin.caller.access.setApprover({ userId: staff.user.id, approver: true });
    // Each request checks the session afresh: the next one already carries the mark.
    expect(await viewerOf(staff)).toMatchObject({ approver: true });
    expect(can(await viewerOf(staff), "consignments.approve")).toBe(true);

    await admin.caller.access.setApprover({ userId: staff.user.id, approver: false });
    expect(can(await viewerOf(staff), "consignments.approve")).toBe(false);
  });
});
