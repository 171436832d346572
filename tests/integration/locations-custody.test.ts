import { beforeEach, describe, expect, test } from "vitest";
import type { Db } from "../../server/db";
import type { TestUser } from "../factories/users";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let staff: { user: TestUser; caller: Caller };
let tapeId: string;

beforeEach(async () => {
  await truncateAll(app.db);
  staff = await signedInUser(app, { role: "staff", name: "Sam Staff" });
  tapeId = (await staff.caller.tapes.register({ barcode: "000777L9" })).id;
});

const MISSING_TAPE = "0190a000-0000-7000-8000-000000000000";
const HOUR = 3_600_000;
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * HOUR);
// A 1×1 PNG, as a data URL: what the signature pad sends, only smaller.
const SIGNATURE =
  "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const locationsOf = (id: string) =>
  app.db.backupTapeLocation.findMany({
    where: { tapeId: id },
    orderBy: [{ occurredAt: "asc" }, { recordedAt: "asc" }],
  });
const currentOf = async (id: string) => {
  const rows = await app.db.backupTapeLocation.findMany({ where: { tapeId: id, isCurrent: true } });
  expect(rows, "exactly one current location").toHaveLength(1);
  return rows[0]!;
};

/** Every table an event could write to, to show that a refused event wrote nothing. */
async function eventState(db: Db) {
  return {
    locations: await db.backupTapeLocation.findMany({ orderBy: { id: "asc" } }),
    custody: await db.backupTapeCustody.findMany({ orderBy: { id: "asc" } }),
    auditEntries: await db.backupAuditLog.count(),
  };
}

describe("logging a location", () => {
  test("the new location becomes current and the previous one no longer is", async () => {
    const first = await staff.caller.locations.log({
      tapeId,
      kind: "on_site",
      site: "Server room",
      shelf: "3",
      occurredAt: hoursFromNow(-2),
    });
    expect(first).toMatchObject({ isCurrent: true, recordedById: staff.user.id, recordedByName: "Sam Staff" });

    const second = await staff.caller.locations.log({
      tapeId,
      kind: "off_site",
      site: "Iron Vault",
      locker: "L-12",
      custodian: "Vera Vault",
      serviceProvider: "SafeStore",
      occurredAt: hoursFromNow(-1),
    });

    expect((await currentOf(tapeId)).id).toBe(second.id);
    expect((await locationsOf(tapeId)).map((row) => [row.id, row.isCurrent])).toEqual([
      [first.id, false],
      [second.id, true],
    ]);
    expect(second).toMatchObject({
      site: "Iron Vault",
      locker: "L-12",
      custodian: "Vera Vault",
      serviceProvider: "SafeStore",
      shelf: null,
    });
  });

  test("without a time it happened now, and empty fields are stored as null", async () => {
    const before = Date.now();
    const location = await staff.caller.locations.log({ tapeId, kind: "in_transit", site: "  ", slot: "" });
    expect(location.occurredAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(location.occurredAt.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    expect(location).toMatchObject({ site: null, slot: null, isCurrent: true });
  });

  test("an older event recorded later stays in the history but does not become current", async () => {
    const newer = await staff.caller.locations.log({
      tapeId,
      kind: "off_site",
      site: "Iron Vault",
      occurredAt: hoursFromNow(-1),
    });
    const late = await staff.caller.locations.log({ tapeId, kind: "in_transit", occurredAt: hoursFromNow(-3) });

    expect(late.isCurrent).toBe(false);
    expect((await currentOf(tapeId)).id).toBe(newer.id);
    expect((await locationsOf(tapeId)).map((row) => row.id)).toEqual([late.id, newer.id]);
    expect((await staff.caller.tapes.get({ id: tapeId })).currentLocation).toMatchObject({
      id: newer.id,
      site: "Iron Vault",
    });
  });

  test("an event at the same moment as the current one becomes current", async () => {
    const at = hoursFromNow(-1);
    const first = await staff.caller.locations.log({ tapeId, kind: "on_site", occurredAt: at });
    const same = await staff.caller.locations.log({ tapeId, kind: "off_site", occurredAt: at });

    expect(same.isCurrent).toBe(true);
    expect((await currentOf(tapeId)).id).toBe(same.id);
    expect((await app.db.backupTapeLocation.findUniqueOrThrow({ where: { id: first.id } })).isCurrent).toBe(false);
  });

  test("each cartridge has its own current location", async () => {
    const other = await staff.caller.tapes.register({ barcode: "000778L9" });
    const mine = await staff.caller.locations.log({ tapeId, kind: "on_site", occurredAt: hoursFromNow(-1) });
    const theirs = await staff.caller.locations.log({
      tapeId: other.id,
      kind: "off_site",
      occurredAt: hoursFromNow(-5),
    });

    expect((await currentOf(tapeId)).id).toBe(mine.id);
    expect((await currentOf(other.id)).id).toBe(theirs.id);
  });

  // PGlite has one connection and runs transactions one after another, so the race this guards against
  // only happens on PostgreSQL (TEST_DATABASE_URL, `npm run test:integration:pg`).
  test("20 events for one cartridge at once leave exactly one current location: the latest", async () => {
    const other = await staff.caller.tapes.register({ barcode: "000779L9" });
    // Distinct times, submitted in an order unrelated to them.
    const offsets = Array.from({ length: 20 }, (_, n) => (n * 7) % 20);
    const logged = await Promise.all(
      offsets.map((offset) =>
        staff.caller.locations.log({
          tapeId,
          kind: offset % 2 ? "in_transit" : "off_site",
          site: `Stop ${offset}`,
          occurredAt: hoursFromNow(-offset),
        }),
      ),
    );
    // Another cartridge's events interleave with them and must not disturb them.
    await Promise.all(
      [1, 2, 3].map((hours) =>
        staff.caller.locations.log({ tapeId: other.id, kind: "on_site", occurredAt: hoursFromNow(-hours) }),
      ),
    );

    const rows = await locationsOf(tapeId);
    expect(rows).toHaveLength(20);
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(logged.map((row) => row.id)));
    const current = await currentOf(tapeId);
    expect(current.site).toBe("Stop 0");
    expect(current.occurredAt.getTime()).toBe(Math.max(...rows.map((row) => row.occurredAt.getTime())));
    expect((await currentOf(other.id)).occurredAt.getTime()).toBe(
      Math.max(...(await locationsOf(other.id)).map((row) => row.occurredAt.getTime())),
    );
  });

  test("a time more than five minutes ahead is a bad request; a clock a minute ahead is accepted", async () => {
    const before = await eventState(app.db);
    const error = await clientError(
      staff.caller.locations.log({ tapeId, kind: "on_site", occurredAt: hoursFromNow(1) }),
    );

    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.data.fieldErrors?.occurredAt).toEqual(["The time cannot be in the future"]);
    expect(await eventState(app.db)).toEqual(before);

    await expect(
      staff.caller.locations.log({ tapeId, kind: "on_site", occurredAt: new Date(Date.now() + 60_000) }),
    ).resolves.toMatchObject({ isCurrent: true });
  });

  test("an unknown cartridge is not found and nothing is written", async () => {
    const before = await eventState(app.db);
    const error = await clientError(staff.caller.locations.log({ tapeId: MISSING_TAPE, kind: "on_site" }));

    expect(error.data.code).toBe("NOT_FOUND");
    expect(error.message).toBe("The cartridge was not found");
    expect(await eventState(app.db)).toEqual(before);
  });

  test("writes an audit entry for the location with its fields and the cartridge's barcode", async () => {
    const newer = await staff.caller.locations.log({
      tapeId,
      kind: "off_site",
      site: "Iron Vault",
      occurredAt: hoursFromNow(-1),
    });
    const late = await staff.caller.locations.log({ tapeId, kind: "on_site", occurredAt: hoursFromNow(-2) });

    const entries = await app.db.backupAuditLog.findMany({ where: { entityType: "location" }, orderBy: { id: "asc" } });
    expect(entries).toEqual([
      expect.objectContaining({
        entityId: newer.id,
        action: "create",
        actorId: staff.user.id,
        actorName: "Sam Staff",
        changes: {
          tapeId: { from: null, to: tapeId },
          kind: { from: null, to: "off_site" },
          site: { from: null, to: "Iron Vault" },
          occurredAt: { from: null, to: newer.occurredAt.toISOString() },
          isCurrent: { from: null, to: true },
          barcode: { from: null, to: "000777L9" },
        },
      }),
      expect.objectContaining({
        entityId: late.id,
        changes: expect.objectContaining({ kind: { from: null, to: "on_site" }, isCurrent: { from: null, to: false } }),
      }),
    ]);
  });
});

describe("recording a custody event", () => {
  const handOff = {
    fromParty: "Operations",
    toParty: "SafeStore courier",
    signerName: "Carl Courier",
    containerId: "CASE-7",
    sealNumber: "SEAL-000123",
    notes: "Monthly rotation",
  };

  test("stores from, to, signer, signature, container, seal and who recorded it", async () => {
    const occurredAt = hoursFromNow(-1);
    const event = await staff.caller.custody.record({ tapeId, ...handOff, signature: SIGNATURE, occurredAt });

    expect(await app.db.backupTapeCustody.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      tapeId,
      ...handOff,
      signature: SIGNATURE,
      occurredAt,
      recordedById: staff.user.id,
      recordedByName: "Sam Staff",
    });
    expect((await staff.caller.tapes.get({ id: tapeId })).custodyEvents).toEqual([
      expect.objectContaining({ id: event.id, signature: SIGNATURE }),
    ]);
  });

  test.each([
    ["a JPEG", "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ=="],
    ["an SVG", "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="],
    ["a link", "https://example.com/signature.png"],
    ["markup posing as a PNG", 'data:image/png;base64,"><script>alert(1)</script>'],
  ])("a signature that is %s is refused with a readable message", async (_, signature) => {
    const before = await eventState(app.db);
    const error = await clientError(staff.caller.custody.record({ tapeId, ...handOff, signature }));

    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.data.fieldErrors?.signature).toEqual(["The signature must be a PNG image"]);
    expect(await eventState(app.db)).toEqual(before);
  });

  test("an empty signer, sender or receiver is refused with a readable message", async () => {
    const before = await eventState(app.db);
    const error = await clientError(
      staff.caller.custody.record({
        tapeId,
        ...handOff,
        signerName: "   ",
        fromParty: "",
        toParty: " ",
        signature: SIGNATURE,
      }),
    );

    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.data.fieldErrors).toMatchObject({
      signerName: ["Enter the name of the person signing"],
      fromParty: ["Enter who handed the cartridge over"],
      toParty: ["Enter who received the cartridge"],
    });
    expect(await eventState(app.db)).toEqual(before);
  });

  test("an unknown cartridge is not found and nothing is written", async () => {
    const before = await eventState(app.db);
    const error = await clientError(
      staff.caller.custody.record({ tapeId: MISSING_TAPE, ...handOff, signature: SIGNATURE }),
    );
    expect(error.data.code).toBe("NOT_FOUND");
    expect(await eventState(app.db)).toEqual(before);
  });

  test("the audit entry records the hand-off and that it was signed, but not the signature image", async () => {
    const signed = await staff.caller.custody.record({ tapeId, ...handOff, signature: SIGNATURE });
    const unsigned = await staff.caller.custody.record({
      tapeId,
      fromParty: "Vault",
      toParty: "Operations",
      signerName: "Olga",
    });

    const entries = await app.db.backupAuditLog.findMany({ where: { entityType: "custody" }, orderBy: { id: "asc" } });
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      entityId: signed.id,
      action: "create",
      actorId: staff.user.id,
      actorName: "Sam Staff",
      changes: {
        tapeId: { from: null, to: tapeId },
        fromParty: { from: null, to: "Operations" },
        toParty: { from: null, to: "SafeStore courier" },
        signerName: { from: null, to: "Carl Courier" },
        containerId: { from: null, to: "CASE-7" },
        sealNumber: { from: null, to: "SEAL-000123" },
        barcode: { from: null, to: "000777L9" },
        signed: { from: null, to: true },
      },
    });
    expect(entries[0]!.changes).not.toHaveProperty("signature");
    expect(JSON.stringify(entries[0]!.changes)).not.toContain("iVBORw0KGgo");
    expect(entries[1]).toMatchObject({ entityId: unsigned.id, changes: { signed: { from: null, to: false } } });
  });
});
