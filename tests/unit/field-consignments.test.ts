import "fake-indexeddb/auto";
import { afterEach, describe, expect, test } from "vitest";
import { checkCase, readOutcome } from "../../app/(app)/backup/consignments/_field/case-check";
import { forgetCatalogue, mergeCataloguePage } from "../../app/_client/catalogue-cache";
import { cachedTape, enqueue, SyncDb } from "../../app/_client/outbox";
import type { FieldConsignment } from "../../lib/consignments";
import type { SiteOption } from "../../lib/sites";
import type { CataloguePage } from "../../lib/sync/catalogue";
import { signatureImage } from "../factories/signature";

const ALICE = "user-alice";
const BOB = "user-bob";
const VAULT: SiteOption = {
  id: "0193a1b2-0000-7000-8000-000000000002",
  name: "Iron Vault",
  code: "IRON",
  kind: "off_site",
  active: true,
  serviceProvider: "Iron Co",
  defaultCustodian: null,
};
const HQ: SiteOption = { ...VAULT, id: "0193a1b2-0000-7000-8000-000000000001", name: "Head office", kind: "on_site" };
const CASE: FieldConsignment = {
  id: "0193a1b2-0000-7000-8000-0000000000c1",
  number: "C-2026-0001",
  state: "approved",
  containerId: "Case 7",
  sealNumbers: [],
  courierName: null,
  dispatchedById: null,
  fromSite: { id: HQ.id, name: HQ.name },
  toSite: { id: VAULT.id, name: VAULT.name },
  expected: ["CSE001L9", "CSE002L9", "CSE003L9"],
  scannedOut: [],
};
const atHq = { kind: "on_site" as const, site: HQ.name, occurredAt: new Date("2026-12-01T08:00:00Z") };
const page = (consignment: FieldConsignment): CataloguePage => ({
  items: CASE.expected.map((barcode) => ({
    deleted: false,
    barcode,
    id: `id-${barcode}`,
    status: "full",
    location: atHq,
    changedAt: new Date("2026-12-01T08:00:00Z"),
  })),
  cursor: "1",
  more: false,
  serverTime: new Date(),
  sites: [HQ, VAULT],
  consignments: [consignment],
  audits: [],
});

const dbs: SyncDb[] = [];
let count = 0;
async function deviceWithCase(consignment = CASE) {
  const db = new SyncDb(`field-consignments-${(count += 1)}`);
  dbs.push(db);
  await mergeCataloguePage(db, page(consignment), ALICE);
  return db;
}
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

const signature = signatureImage();
const dispatch = (barcodes: string[], userId = ALICE) => ({
  type: "consignment.dispatched" as const,
  userId,
  payload: { consignmentId: CASE.id, barcodes, sealNumbers: [" S-1 "], courierName: "Cora Courier", signature },
});
const receipt = (barcodes: string[]) => ({
  type: "consignment.received" as const,
  userId: ALICE,
  payload: {
    consignmentId: CASE.id,
    barcodes,
    sealIntact: true,
    sealNumbers: ["S-1"],
    receiverName: "Val Vault",
    signature,
  },
});

describe("a consignment dispatched or received on this device", () => {
  test("one dispatch event moves every scanned cartridge in transit and marks the case dispatched", async () => {
    const db = await deviceWithCase();
    const row = await enqueue(db, dispatch(["cse001l9", "CSE002L9"]));

    expect(row.barcode).toBe(`consignment:${CASE.id}`);
    expect(await db.outbox.count()).toBe(1);
    for (const barcode of ["CSE001L9", "CSE002L9"])
      expect(await cachedTape(db, barcode)).toMatchObject({ location: { kind: "in_transit", site: null } });
    // Left out of the case: still where it was.
    expect(await cachedTape(db, "CSE003L9")).toMatchObject({ location: atHq });
    expect(await db.consignments.get(CASE.id)).toMatchObject({
      state: "in_transit",
      scannedOut: ["CSE001L9", "CSE002L9"],
      sealNumbers: ["S-1"],
      courierName: "Cora Courier",
      dispatchedById: ALICE,
    });
  });

  test("a receipt puts the cartridges at the destination site and takes the case off the lists", async () => {
    const db = await deviceWithCase({ ...CASE, state: "in_transit", scannedOut: ["CSE001L9", "CSE002L9"] });
    await enqueue(db, receipt(["CSE001L9"]));

    expect(await cachedTape(db, "CSE001L9")).toMatchObject({ location: { kind: "off_site", site: VAULT.name } });
    expect(await cachedTape(db, "CSE002L9")).toMatchObject({ location: atHq });
    expect(await db.consignments.get(CASE.id)).toMatchObject({ state: "received" });
  });

  test("an invalid dispatch changes nothing", async () => {
    const db = await deviceWithCase();
    await expect(enqueue(db, dispatch([]))).rejects.toThrow(/Scan at least one cartridge/);
    expect(await db.consignments.get(CASE.id)).toMatchObject({ state: "approved" });
    expect(await cachedTape(db, "CSE001L9")).toMatchObject({ location: atHq });
  });

  test("a pull before the dispatch is synced keeps it dispatched here; another user's stays theirs", async () => {
    const db = await deviceWithCase();
    await enqueue(db, dispatch(["CSE001L9"]));
    await mergeCataloguePage(db, page(CASE), ALICE);

    expect(await db.consignments.get(CASE.id)).toMatchObject({ state: "in_transit", scannedOut: ["CSE001L9"] });
    expect(await cachedTape(db, "CSE001L9")).toMatchObject({ location: { kind: "in_transit" } });

    await mergeCataloguePage(db, page(CASE), BOB);
    expect(await db.consignments.get(CASE.id)).toMatchObject({ state: "approved", scannedOut: [] });
    expect(await cachedTape(db, "CSE001L9")).toMatchObject({ location: atHq });
  });

  test("a pull drops consignments no longer to dispatch or receive, and forgetting the catalogue drops them all", async () => {
    const db = await deviceWithCase();
    await mergeCataloguePage(db, { ...page(CASE), consignments: [] }, ALICE);
    expect(await db.consignments.count()).toBe(0);

    await mergeCataloguePage(db, page(CASE), ALICE);
    await forgetCatalogue(db);
    expect(await db.consignments.count()).toBe(0);
  });
});

describe("a case checked against what it should hold", () => {
  const expected = ["CSE001L9", "CSE002L9", "CSE003L9"];

  test("missing, unexpected and what goes into the event follow each read and each choice", () => {
    const scanned = ["CSE002L9", "ODD009L9", "CSE001L9", "ODD008L9"];
    const undecided = checkCase(expected, scanned, {});
    expect(undecided).toMatchObject({
      found: ["CSE002L9", "CSE001L9"],
      missing: ["CSE003L9"],
      undecided: ["ODD009L9", "ODD008L9"],
      inCase: ["CSE002L9", "CSE001L9"],
    });

    const decided = checkCase(expected, scanned, { ODD009L9: "add", ODD008L9: "leave" });
    expect(decided.undecided).toEqual([]);
    expect(decided.inCase).toEqual(["CSE002L9", "CSE001L9", "ODD009L9"]);
    expect(decided.unexpected).toEqual([
      { barcode: "ODD009L9", choice: "add" },
      { barcode: "ODD008L9", choice: "leave" },
    ]);
  });

  test("each read is announced with what it means for the case, and heard unless it is nothing new", () => {
    expect(readOutcome("CSE002L9", expected, ["CSE001L9"], {})).toEqual({
      message: "CSE002L9 scanned: 2 of 3 expected.",
      sound: "confirm",
    });
    expect(readOutcome("ODD009L9", expected, [], {})).toEqual({
      message: "ODD009L9 is not expected in this case: add it or leave it out.",
      sound: "warn",
    });
    expect(readOutcome("CSE001L9", expected, ["CSE001L9"], {})).toEqual({ message: "CSE001L9 is already scanned." });
    expect(readOutcome("ODD009L9", expected, ["ODD009L9"], { ODD009L9: "leave" })).toMatchObject({ sound: "warn" });
  });
});
