import "fake-indexeddb/auto";
import { afterEach, expect, test } from "vitest";
import { claimDevice, deviceUser, releaseDevice, type DeviceUser } from "../../app/_client/device-user";
import { enqueue, getMeta, setMeta, SyncDb, SYNC_DB_NAME } from "../../app/_client/outbox";

const ALICE: DeviceUser = {
  id: "user-alice",
  name: "Alice Courier",
  role: "courier",
  backupAccess: "write",
  approver: false,
};
const BOB: DeviceUser = {
  id: "user-bob",
  name: "Bob Courier",
  role: "courier",
  backupAccess: "write",
  approver: false,
};

const db = new SyncDb(SYNC_DB_NAME);

afterEach(async () => {
  await Promise.all([db.outbox.clear(), db.catalogue.clear(), db.meta.clear()]);
});

async function aliceUsedThePhone() {
  await claimDevice(db, ALICE);
  await db.catalogue.put({ barcode: "AAA001L8", id: "tape-1", status: "full", location: null, changedAt: new Date() });
  await db.consignments.put({
    id: "consignment-1",
    number: "C-2026-0001",
    state: "approved",
    containerId: null,
    sealNumbers: [],
    courierName: null,
    dispatchedById: null,
    fromSite: { id: "site-1", name: "Head office" },
    toSite: { id: "site-2", name: "Iron Vault" },
    expected: ["AAA001L8"],
    scannedOut: [],
  });
  await setMeta(db, "catalogueCursor", "42");
  await setMeta(db, "lastSyncedAt", new Date());
  await enqueue(db, {
    type: "location.logged",
    payload: { barcode: "AAA001L8", kind: "in_transit" },
    userId: ALICE.id,
    userName: ALICE.name,
  });
}

test("signing out leaves the device to nobody: the offline catalogue goes, the user's waiting events stay theirs", async () => {
  await aliceUsedThePhone();
  expect(await deviceUser()).toEqual(ALICE);

  await releaseDevice(db);

  expect(await deviceUser()).toBeNull();
  expect(await db.catalogue.count()).toBe(0);
  expect(await db.consignments.count()).toBe(0);
  expect(await getMeta(db, "catalogueCursor")).toBeUndefined();
  expect(await getMeta(db, "lastSyncedAt")).toBeUndefined();
  expect(await db.outbox.toArray()).toEqual([expect.objectContaining({ userId: ALICE.id, userName: ALICE.name })]);
});

test("another user signing in (the session having ended without a sign-out) does not inherit the catalogue", async () => {
  await aliceUsedThePhone();

  await claimDevice(db, BOB);

  expect(await deviceUser()).toEqual(BOB);
  expect(await db.catalogue.count()).toBe(0);
  expect(await db.consignments.count()).toBe(0);
  expect(await getMeta(db, "catalogueCursor")).toBeUndefined();
  expect(await db.outbox.count()).toBe(1);
});

test("the same user signing in again keeps the catalogue", async () => {
  await aliceUsedThePhone();
  await claimDevice(db, { ...ALICE, name: "Alice C." });
  expect(await db.catalogue.count()).toBe(1);
  expect(await deviceUser()).toMatchObject({ name: "Alice C." });
});

test("the device keeps what offline screens need to decide as the server would: role, access and approver mark", async () => {
  const approver: DeviceUser = {
    id: "user-sam",
    name: "Sam Staff",
    role: "staff",
    backupAccess: "read",
    approver: true,
  };
  await claimDevice(db, approver);
  expect(await deviceUser()).toEqual(approver);
});

test("a device claimed before the approver mark existed reads as unmarked", async () => {
  const { id, name, role, backupAccess } = BOB;
  await setMeta(db, "deviceUser", { id, name, role, backupAccess } as DeviceUser);
  expect(await deviceUser()).toEqual({ ...BOB, approver: false });
});
