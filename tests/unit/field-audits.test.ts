import "fake-indexeddb/auto";
import { afterEach, describe, expect, test } from "vitest";
import { forgetCatalogue, mergeCataloguePage } from "../../app/_client/catalogue-cache";
import { locationInWords } from "../../app/_client/field-audits";
import { enqueue, SyncDb } from "../../app/_client/outbox";
import type { FieldAudit } from "../../lib/audits";
import type { CataloguePage } from "../../lib/sync/catalogue";

const ALICE = "user-alice";
const BOB = "user-bob";
const AUDIT: FieldAudit = {
  id: "0193a1b2-0000-7000-8000-0000000000a1",
  number: "I-2026-0001",
  state: "open",
  siteId: "0193a1b2-0000-7000-8000-000000000001",
  siteName: "Head office",
  shelf: "B-2",
  locker: null,
  expected: ["AUD001L9", "AUD002L9"],
  scanned: [],
};
const page = (audits: FieldAudit[]): CataloguePage => ({
  items: [],
  cursor: "1",
  more: false,
  serverTime: new Date(),
  sites: [],
  consignments: [],
  audits,
});
const scan = (barcode: string, userId = ALICE) => ({
  type: "audit.scanned" as const,
  userId,
  payload: { auditId: AUDIT.id, barcode },
});

const dbs: SyncDb[] = [];
let count = 0;
async function deviceWithAudit(audits = [AUDIT]) {
  const db = new SyncDb(`field-audits-${(count += 1)}`);
  dbs.push(db);
  await mergeCataloguePage(db, page(audits), ALICE);
  return db;
}
afterEach(async () => {
  for (const db of dbs.splice(0)) await db.delete();
});

describe("an audit scanned on this device", () => {
  test("a scan goes to the outbox under its label and shows in the cached audit at once", async () => {
    const db = await deviceWithAudit();
    const row = await enqueue(db, scan("aud001l9"));

    expect(row).toMatchObject({ barcode: "AUD001L9", status: "pending" });
    expect((await db.audits.get(AUDIT.id))?.scanned).toEqual(["AUD001L9"]);
  });

  test("a pull keeps this user's unsent scans, not another user's, and takes the others' synced ones", async () => {
    const db = await deviceWithAudit();
    await enqueue(db, scan("AUD002L9"));
    await enqueue(db, scan("ELS001L9", BOB));
    // The server has not had them yet, but has a scan from another phone.
    await mergeCataloguePage(db, page([{ ...AUDIT, scanned: ["AUD001L9"] }]), ALICE);

    expect((await db.audits.get(AUDIT.id))?.scanned).toEqual(["AUD001L9", "AUD002L9"]);
  });

  test("an audit closed on the server leaves the device at the next pull", async () => {
    const db = await deviceWithAudit();
    await enqueue(db, scan("AUD002L9"));
    await mergeCataloguePage(db, page([]), ALICE);

    expect(await db.audits.count()).toBe(0);
    // The scan still waits to be pushed: the server says why it was not counted.
    expect(await db.outbox.count()).toBe(1);
  });

  test("a scan for an audit the device does not hold is queued all the same", async () => {
    const db = await deviceWithAudit([]);
    await enqueue(db, scan("AUD001L9"));
    expect(await db.outbox.count()).toBe(1);
    expect(await db.audits.count()).toBe(0);
  });

  test("forgetting the catalogue forgets the audits", async () => {
    const db = await deviceWithAudit();
    await forgetCatalogue(db);
    expect(await db.audits.count()).toBe(0);
  });
});

describe("a cached location in words", () => {
  test("says the kind and the site, or nothing when none is known", () => {
    const occurredAt = new Date();
    expect(locationInWords({ kind: "off_site", site: "Iron Vault", occurredAt })).toBe("Off site, Iron Vault");
    expect(locationInWords({ kind: "in_transit", site: null, occurredAt })).toBe("In transit");
    expect(locationInWords(null)).toBeNull();
  });
});
