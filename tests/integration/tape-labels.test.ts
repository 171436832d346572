import { beforeEach, describe, expect, test } from "vitest";
import type { CatalogueEntry } from "../../lib/sync/catalogue";
import type { Db } from "../../server/db";
import { createTape } from "../factories/backup";
import { custodyEvent, locationEvent, tapeRegisteredEvent } from "../factories/sync-events";
import type { TestUser } from "../factories/users";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let staff: { user: TestUser; caller: Caller };
let admin: { user: TestUser; caller: Caller };

beforeEach(async () => {
  await truncateAll(app.db);
  staff = await signedInUser(app, { role: "staff", name: "Sam Staff" });
  admin = await signedInUser(app, { role: "admin", name: "Ada Admin" });
});

const TB = 1_000_000_000_000n;

async function catalogueState(db: Db) {
  return {
    tapes: await db.backupTapeCartridge.findMany({ orderBy: { id: "asc" } }),
    auditEntries: await db.backupAuditLog.count(),
    tombstones: await db.backupTapeTombstone.count(),
  };
}

const auditOf = (entityId: string) =>
  app.db.backupAuditLog.findMany({ where: { entityType: "tape", entityId }, orderBy: { id: "asc" } });

describe("registering a non-standard label", () => {
  test("takes the generation chosen by hand, its native capacity, and is marked and audited as non-standard", async () => {
    const tape = await staff.caller.tapes.register({ nonStandard: true, barcode: " acme-0042 ", mediaId: "L7" });

    expect(tape).toMatchObject({
      barcode: "ACME-0042",
      mediaId: "L7",
      generation: 7,
      mediaType: "data",
      nativeCapacityBytes: 6n * TB,
      nonStandardLabel: true,
    });
    const [entry] = await auditOf(tape.id);
    expect(entry).toMatchObject({
      action: "create",
      changes: { barcode: { from: null, to: "ACME-0042" }, nonStandardLabel: { from: null, to: true } },
    });
  });

  test("a legacy six-character label as WORM or cleaning media; a capacity given still overrides", async () => {
    const worm = await staff.caller.tapes.register({
      nonStandard: true,
      barcode: "000123",
      mediaId: "LZ",
      nativeCapacityBytes: 20n * TB,
    });
    const cleaning = await staff.caller.tapes.register({ nonStandard: true, barcode: "CLEAN1", mediaId: "CU" });

    expect(worm).toMatchObject({ generation: 9, mediaType: "worm", nativeCapacityBytes: 20n * TB });
    expect(cleaning).toMatchObject({ generation: null, mediaType: "cleaning", nativeCapacityBytes: null });
  });

  test("a standard label is registered unmarked", async () => {
    expect(await staff.caller.tapes.register({ barcode: "000123L9" })).toMatchObject({ nonStandardLabel: false });
  });

  test.each([
    [{ barcode: "ACME-0042" }, "barcode", /An LTO label has 8 characters/],
    [{ barcode: "ACME-0042", mediaId: "L7" }, "barcode", /An LTO label has 8 characters/],
    [{ nonStandard: true, barcode: "000123L9", mediaId: "L7" }, "barcode", /standard LTO label/],
    [{ nonStandard: true, barcode: "ACME-0042" }, "mediaId", /Choose the cartridge's generation/],
    [{ nonStandard: true, barcode: "ACME-0042", mediaId: "L0" }, "mediaId", /Choose the cartridge's generation/],
    [{ nonStandard: true, barcode: "ABC", mediaId: "L7" }, "barcode", /4 to 16 characters; "ABC" has 3/],
    [{ nonStandard: true, barcode: "A".repeat(17), mediaId: "L7" }, "barcode", /4 to 16 characters/],
    [{ nonStandard: true, barcode: "ACME_0042", mediaId: "L7" }, "barcode", /only letters A–Z, digits 0–9 and hyphens/],
    [{ nonStandard: true, barcode: "-ACME", mediaId: "L7" }, "barcode", /starts and ends with a letter or digit/],
  ])("%o is refused on %s, and nothing is written", async (input, field, message) => {
    const before = await catalogueState(app.db);
    const error = await clientError(staff.caller.tapes.register(input as never));

    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.data.fieldErrors?.[field]?.[0]).toMatch(message);
    expect(await catalogueState(app.db)).toEqual(before);
  });

  test("a non-standard label already registered is a conflict", async () => {
    await staff.caller.tapes.register({ nonStandard: true, barcode: "ACME-0042", mediaId: "L7" });
    const error = await clientError(
      staff.caller.tapes.register({ nonStandard: true, barcode: "acme-0042", mediaId: "L8" }),
    );
    expect(error).toMatchObject({
      message: "A cartridge with barcode ACME-0042 is already registered",
      data: { code: "CONFLICT", field: "barcode" },
    });
  });
});

describe("events from the field", () => {
  test("name a registered non-standard cartridge and apply; an unregistered or malformed one is rejected", async () => {
    const tape = await staff.caller.tapes.register({ nonStandard: true, barcode: "ACME-0042", mediaId: "L7" });
    const located = locationEvent("acme-0042");
    const handedOff = custodyEvent("ACME-0042");
    const unknown = locationEvent("ACME-9999");
    const malformed = locationEvent("AC_ME");

    const results = await staff.caller.sync.push({
      deviceId: "phone-1",
      events: [located, handedOff, unknown, malformed],
    });

    expect(results).toEqual([
      { id: located.id, status: "applied" },
      { id: handedOff.id, status: "applied" },
      { id: unknown.id, status: "rejected", reason: "No cartridge with barcode ACME-9999 is registered" },
      { id: malformed.id, status: "rejected", reason: expect.stringMatching(/barcode: An LTO label has 8 characters/) },
    ]);
    expect(await app.db.backupTapeLocation.count({ where: { tapeId: tape.id } })).toBe(1);
    expect(await app.db.backupTapeCustody.count({ where: { tapeId: tape.id } })).toBe(1);
  });

  test("a registration from the field is always a standard label", async () => {
    const event = tapeRegisteredEvent("ACME-0042");
    const [result] = await staff.caller.sync.push({ deviceId: "phone-1", events: [event] });
    expect(result).toMatchObject({
      status: "rejected",
      reason: expect.stringMatching(/An LTO label has 8 characters/),
    });
    expect(await app.db.backupTapeCartridge.count()).toBe(0);
  });
});

describe("correcting a barcode", () => {
  test("keeps the cartridge and its history, takes the media of the new label, and audits before → after", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000123L8" });
    await staff.caller.sync.push({ deviceId: "phone-1", events: [locationEvent("000123L8")] });

    const corrected = await admin.caller.tapes.correctBarcode({ id: tape.id, barcode: " 000132l9 " });

    expect(corrected).toMatchObject({
      id: tape.id,
      barcode: "000132L9",
      mediaId: "L9",
      generation: 9,
      nativeCapacityBytes: 18n * TB,
    });
    expect(await app.db.backupTapeLocation.count({ where: { tapeId: tape.id } })).toBe(1);
    const entries = await auditOf(tape.id);
    expect(entries.at(-1)).toMatchObject({
      action: "correct_barcode",
      actorId: admin.user.id,
      changes: {
        barcode: { from: "000123L8", to: "000132L9" },
        mediaId: { from: "L8", to: "L9" },
        generation: { from: 8, to: 9 },
        nativeCapacityBytes: { from: (12n * TB).toString(), to: (18n * TB).toString() },
      },
    });
    expect(await staff.caller.tapes.byBarcode({ barcode: "000123L8" })).toBeNull();
    expect(await staff.caller.tapes.byBarcode({ barcode: "000132L9" })).toMatchObject({ id: tape.id });
  });

  test("a capacity set by hand stays when the media do not change", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000123L8", nativeCapacityBytes: 10n * TB });
    const corrected = await admin.caller.tapes.correctBarcode({ id: tape.id, barcode: "000124L8" });
    expect(corrected.nativeCapacityBytes).toBe(10n * TB);
    expect((await auditOf(tape.id)).at(-1)!.changes).toEqual({ barcode: { from: "000123L8", to: "000124L8" } });
  });

  test("a non-standard cartridge keeps its chosen generation, or becomes standard when its real label is one", async () => {
    const tape = await staff.caller.tapes.register({ nonStandard: true, barcode: "ACME-0042", mediaId: "L7" });

    const renamed = await admin.caller.tapes.correctBarcode({ id: tape.id, barcode: "ACME-0043" });
    expect(renamed).toMatchObject({ barcode: "ACME-0043", mediaId: "L7", generation: 7, nonStandardLabel: true });

    const standard = await admin.caller.tapes.correctBarcode({ id: tape.id, barcode: "000043L7" });
    expect(standard).toMatchObject({ barcode: "000043L7", mediaId: "L7", nonStandardLabel: false });
    expect((await auditOf(tape.id)).at(-1)!.changes).toEqual({
      barcode: { from: "ACME-0043", to: "000043L7" },
      nonStandardLabel: { from: true, to: false },
    });
  });

  test.each([
    ["a standard cartridge given a non-standard label", "000123L8", "ACME-0042", /An LTO label has 8 characters/],
    ["a malformed label", "000123L8", "0001_3L8", /letters A–Z and digits 0–9/],
    ["the same barcode", "000123L8", "*000123l8*", /already 000123L8: nothing to correct/],
    ["a non-standard cartridge given a malformed label", "ACME-0042", "ACME 0042", /only letters A–Z, digits 0–9/],
  ])("%s is refused with a clear message and nothing changes", async (_, barcode, typed, message) => {
    const tape = barcode.includes("-")
      ? await staff.caller.tapes.register({ nonStandard: true, barcode, mediaId: "L7" })
      : await staff.caller.tapes.register({ barcode });
    const before = await catalogueState(app.db);

    const error = await clientError(admin.caller.tapes.correctBarcode({ id: tape.id, barcode: typed }));

    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(message);
    expect(await catalogueState(app.db)).toEqual(before);
  });

  test("a barcode another cartridge has is a conflict on the barcode field, and nothing changes", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000123L8" });
    await staff.caller.tapes.register({ barcode: "000124L8" });
    const before = await catalogueState(app.db);

    const error = await clientError(admin.caller.tapes.correctBarcode({ id: tape.id, barcode: "000124l8" }));

    expect(error).toMatchObject({
      message: "A cartridge with barcode 000124L8 is already registered",
      data: { code: "CONFLICT", field: "barcode" },
    });
    expect(await catalogueState(app.db)).toEqual(before);
  });

  test("an unknown cartridge is not found; a writer who is not an administrator is refused", async () => {
    const tape = await createTape(app.db);
    const unknown = await clientError(
      admin.caller.tapes.correctBarcode({ id: "0190a000-0000-7000-8000-000000000000", barcode: "000124L8" }),
    );
    expect(unknown.data.code).toBe("NOT_FOUND");
    const refused = await clientError(staff.caller.tapes.correctBarcode({ id: tape.id, barcode: "000124L8" }));
    expect(refused.data.code).toBe("FORBIDDEN");
    expect(await app.db.backupTapeCartridge.findUniqueOrThrow({ where: { id: tape.id } })).toMatchObject({
      barcode: tape.barcode,
    });
  });

  test("offline catalogues drop the old barcode: it leaves a tombstone for the cartridge", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000123L8" });
    const settle = () =>
      app.db.$executeRaw`UPDATE backup_tape_cartridge SET updated_at = updated_at - interval '1 hour'`;
    await settle();
    const { cursor } = await staff.caller.sync.catalogue({});

    await admin.caller.tapes.correctBarcode({ id: tape.id, barcode: "000132L8" });
    // Corrected back, then deleted: every barcode it had is dropped again, the first one too.
    await admin.caller.tapes.correctBarcode({ id: tape.id, barcode: "000123L8" });
    const corrected = await staff.caller.sync.catalogue({ cursor });
    const shape = (items: CatalogueEntry[]) => items.map((item) => [item.barcode, item.deleted, item.id]);
    expect(shape(corrected.items)).toEqual(
      expect.arrayContaining([
        ["000123L8", true, tape.id],
        ["000132L8", true, tape.id],
        ["000123L8", false, tape.id],
      ]),
    );
    const live = corrected.items.findIndex((item) => item.barcode === "000123L8" && !item.deleted);
    const dropped = corrected.items.findIndex((item) => item.barcode === "000123L8" && item.deleted);
    expect(dropped).toBeLessThan(live);

    await app.db.$executeRaw`UPDATE backup_tape_tombstone SET deleted_at = deleted_at - interval '1 hour'`;
    await settle();
    const settled = await staff.caller.sync.catalogue({ cursor });
    await staff.caller.tapes.delete({ id: tape.id });
    const deleted = await staff.caller.sync.catalogue({ cursor: settled.cursor });
    expect(shape(deleted.items)).toEqual([["000123L8", true, tape.id]]);
  });
});
