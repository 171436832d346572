import { v7 as uuidv7 } from "uuid";
import { beforeEach, describe, expect, test } from "vitest";
import type { CatalogueEntry } from "../../lib/sync/catalogue";
import type { EventResult, SyncEvent } from "../../lib/sync/events";
import { logLocationSchema, recordCustodySchema } from "../../lib/tapes";
import { recordCustody } from "../../server/custody/service";
import { logLocation } from "../../server/locations/service";
import { pullCatalogue } from "../../server/sync/catalogue";
import { createTape } from "../factories/backup";
import { signatureImage } from "../factories/signature";
import { custodyEvent, locationEvent, tapeRegisteredEvent } from "../factories/sync-events";
import type { TestUser } from "../factories/users";
import { callerFor, clientError, requestHeaders, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let courier: { user: TestUser; caller: Caller; headers: Headers };

beforeEach(async () => {
  await truncateAll(app.db);
  courier = await signedInUser(app, { role: "courier", name: "Carl Courier" });
});

/** Someone who may register and delete cartridges, which couriers may not. */
const staffCaller = async () => (await signedInUser(app, { role: "staff", name: "Sam Staff" })).caller;

const push = (events: SyncEvent[] | Record<string, unknown>[], caller = courier.caller, deviceId = "phone-1") =>
  caller.sync.push({ deviceId, events: events as { id: string }[] });

const statuses = (results: EventResult[]) => results.map((result) => result.status);

async function counts() {
  return {
    events: await app.db.syncEvent.count(),
    locations: await app.db.backupTapeLocation.count(),
    custody: await app.db.backupTapeCustody.count(),
    tapes: await app.db.backupTapeCartridge.count(),
    audit: await app.db.backupAuditLog.count(),
  };
}

describe("pushing events", () => {
  test("applies each event once with its audit entry, and records device time and receipt time", async () => {
    const tape = await createTape(app.db);
    const occurredAt = new Date(Date.now() - 3_600_000);
    const location = locationEvent(tape.barcode, { occurredAt });
    const custody = custodyEvent(tape.barcode);

    const before = Date.now();
    expect(await push([location, custody])).toEqual([
      { id: location.id, status: "applied" },
      { id: custody.id, status: "applied" },
    ]);

    const row = await app.db.backupTapeLocation.findUniqueOrThrow({ where: { eventId: location.id } });
    expect(row).toMatchObject({
      tapeId: tape.id,
      kind: "off_site",
      site: "Iron Vault, bay 4",
      occurredAt,
      isCurrent: true,
      deviceId: "phone-1",
    });
    expect(row.recordedById).toBe(courier.user.id);
    const received = await app.db.syncEvent.findUniqueOrThrow({ where: { id: location.id } });
    expect(received).toMatchObject({
      type: "location.logged",
      deviceId: "phone-1",
      userId: courier.user.id,
      occurredAt,
      status: "applied",
    });
    expect(received.receivedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);

    const audit = await app.db.backupAuditLog.findMany({ where: { entityId: { in: [row.id] } } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ entityType: "location", action: "create", actorName: "Carl Courier" });
    expect(await app.db.backupAuditLog.count({ where: { entityType: "custody" } })).toBe(1);
  });

  test("a replayed batch answers duplicate and changes nothing", async () => {
    const tape = await createTape(app.db);
    const batch = [locationEvent(tape.barcode), custodyEvent(tape.barcode)];
    await push(batch);
    const after = await counts();

    expect(statuses(await push(batch))).toEqual(["duplicate", "duplicate"]);
    expect(statuses(await push(batch, courier.caller, "another-phone"))).toEqual(["duplicate", "duplicate"]);
    expect(await counts()).toEqual(after);
  });

  test("an event repeated within one batch applies once", async () => {
    const tape = await createTape(app.db);
    const event = locationEvent(tape.barcode);
    expect(statuses(await push([event, event]))).toEqual(["applied", "duplicate"]);
    expect(await app.db.backupTapeLocation.count()).toBe(1);
  });

  test("two concurrent pushes of the same events apply each event exactly once", async () => {
    const tapes = await Promise.all([createTape(app.db), createTape(app.db), createTape(app.db)]);
    const batch = tapes.flatMap((tape) => [locationEvent(tape.barcode), custodyEvent(tape.barcode)]);
    const second = await callerFor(app.db, app.auth, courier.headers);

    const [first, other] = await Promise.all([push(batch), push(batch, second, "phone-1-other-tab")]);

    for (const [index, event] of batch.entries()) {
      const pair = [first[index]!.status, other[index]!.status].sort();
      expect(pair, event.id).toEqual(["applied", "duplicate"]);
    }
    expect(await counts()).toMatchObject({ events: 6, locations: 3, custody: 3, audit: 6 });
  });

  test("an older event synced late is kept in the history but does not become current", async () => {
    const tape = await createTape(app.db);
    const newer = locationEvent(tape.barcode, { site: "Vault B", occurredAt: new Date(Date.now() - 60_000) });
    const older = locationEvent(tape.barcode, { site: "Vault A", occurredAt: new Date(Date.now() - 3_600_000) });

    await push([newer]);
    expect(statuses(await push([older]))).toEqual(["applied"]);

    const rows = await app.db.backupTapeLocation.findMany({
      where: { tapeId: tape.id },
      orderBy: { occurredAt: "asc" },
    });
    expect(rows.map((row) => [row.site, row.isCurrent])).toEqual([
      ["Vault A", false],
      ["Vault B", true],
    ]);
  });

  test("a malformed event is rejected with the reason while its neighbours apply", async () => {
    const tape = await createTape(app.db);
    const before = locationEvent(tape.barcode);
    const badLabel = { ...locationEvent(tape.barcode), payload: { barcode: "NOT_A_TAPE", kind: "off_site" } };
    const unknownType = { id: uuidv7(), type: "tape.teleported", occurredAt: new Date(), payload: {} };
    const notV7 = { ...locationEvent(tape.barcode), id: "not-a-uuid" };
    const after = custodyEvent(tape.barcode);

    const results = await push([before, badLabel, unknownType, notV7, after]);

    expect(statuses(results)).toEqual(["applied", "rejected", "rejected", "rejected", "applied"]);
    expect(results[1]).toMatchObject({ reason: expect.stringMatching(/^barcode: An LTO label has 8 characters/) });
    expect(results[2]).toMatchObject({ reason: expect.stringMatching(/^type: Invalid discriminator/) });
    expect(results[3]).toMatchObject({ reason: "id: An event id must be a UUID v7" });
    const stored = await app.db.syncEvent.findUniqueOrThrow({ where: { id: badLabel.id } });
    expect(stored).toMatchObject({ status: "rejected", type: "location.logged", userId: courier.user.id });
    expect(stored.content).toMatchObject({ payload: { barcode: "NOT_A_TAPE" } });
    expect(await counts()).toMatchObject({ events: 5, locations: 1, custody: 1, audit: 2 });
  });

  test("an event for an unknown cartridge is rejected, recorded, and never applied later", async () => {
    const event = locationEvent("ZZZ999L8");
    const [result] = await push([event]);
    expect(result).toEqual({
      id: event.id,
      status: "rejected",
      reason: "No cartridge with barcode ZZZ999L8 is registered",
    });

    // Registering the cartridge afterwards does not revive the rejected id: the device sends a new event.
    await createTape(app.db, { barcode: "ZZZ999L8" });
    expect(await push([event])).toEqual([result]);
    expect(await app.db.backupTapeLocation.count()).toBe(0);
  });

  test("a cartridge registered offline can be moved in the same batch; registering it twice is rejected", async () => {
    const register = tapeRegisteredEvent("NEW001L9");
    const move = locationEvent("NEW001L9", { site: "Courier van" });
    const again = tapeRegisteredEvent("NEW001L9");

    const results = await push([register, move, again], await staffCaller());

    expect(statuses(results)).toEqual(["applied", "applied", "rejected"]);
    expect(results[2]).toMatchObject({ reason: "A cartridge with barcode NEW001L9 is already registered" });
    const tape = await app.db.backupTapeCartridge.findUniqueOrThrow({
      where: { barcode: "NEW001L9" },
      include: { locations: true },
    });
    expect(tape).toMatchObject({ generation: 9, tags: ["offline"], status: "empty" });
    expect(tape.locations).toMatchObject([{ site: "Courier van", isCurrent: true }]);
    expect(await app.db.backupAuditLog.count({ where: { entityType: "tape", entityId: tape.id } })).toBe(1);
  });

  test("read-only users may pull the catalogue but not push or discard; signed-out callers must sign in", async () => {
    const tape = await createTape(app.db);
    const reader = await signedInUser(app, { role: "courier", backupAccess: "read" });
    const before = await counts();

    expect((await clientError(push([locationEvent(tape.barcode)], reader.caller))).data.code).toBe("FORBIDDEN");
    expect((await clientError(reader.caller.sync.discard({ id: uuidv7() }))).data.code).toBe("FORBIDDEN");
    expect((await reader.caller.sync.catalogue({})).items).toHaveLength(1);

    const anonymous = await callerFor(app.db, app.auth, requestHeaders());
    expect((await clientError(push([locationEvent(tape.barcode)], anonymous))).data.code).toBe("UNAUTHORIZED");
    expect(await counts()).toEqual(before);
  });

  test("a push without ids, or too large, is refused as a whole", async () => {
    expect((await clientError(push([{ type: "location.logged" }]))).data.code).toBe("BAD_REQUEST");
    const tape = await createTape(app.db);
    const tooMany = Array.from({ length: 101 }, () => locationEvent(tape.barcode));
    expect((await clientError(push(tooMany))).message).toMatch(/At most 100 events/);
    expect(await app.db.syncEvent.count()).toBe(0);
  });
});

describe("the batch path", () => {
  test("each hand-off keeps its own signature when a batch carries several, shared or not, and none", async () => {
    const tapes = [
      await createTape(app.db),
      await createTape(app.db),
      await createTape(app.db),
      await createTape(app.db),
    ];
    const [wide, tall] = [signatureImage({ width: 40, height: 10 }), signatureImage({ width: 10, height: 40 })];
    const signed = (barcode: string, signature?: string) => {
      const event = custodyEvent(barcode);
      return signature && event.type === "custody.recorded"
        ? { ...event, payload: { ...event.payload, signature } }
        : event;
    };
    const events = [
      signed(tapes[0]!.barcode, wide),
      signed(tapes[1]!.barcode, tall),
      signed(tapes[2]!.barcode),
      signed(tapes[3]!.barcode, wide),
    ];
    expect(statuses(await push(events))).toEqual(["applied", "applied", "applied", "applied"]);
    const rows = await app.db.backupTapeCustody.findMany({
      where: { eventId: { in: events.map((event) => event.id) } },
    });
    const byEvent = new Map(rows.map((row) => [row.eventId, row.signature]));
    expect(events.map((event) => byEvent.get(event.id))).toEqual([wide, tall, null, wide]);
  });

  test("writes the same rows and audit entries as the forms' one-by-one path, late events included", async () => {
    const oneByOne: Awaited<ReturnType<typeof createTape>>[] = [];
    const batched: typeof oneByOne = [];
    for (let index = 0; index < 4; index += 1) {
      oneByOne.push(await createTape(app.db));
      batched.push(await createTape(app.db));
    }
    const actor = { id: courier.user.id, name: courier.user.name };
    const base = Date.now() - 86_400_000;
    let state = 7;
    const random = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
    // Some cartridges already have a location; the events then arrive in no particular time order.
    const steps = Array.from({ length: 60 }, (_, index) => ({
      tape: Math.floor(random() * 4),
      custody: random() < 0.2,
      occurredAt: new Date(base + Math.floor(random() * 3_600_000)),
      site: `Site ${index}`,
    }));
    for (const tapes of [oneByOne, batched]) {
      await logLocation(
        app.db,
        actor,
        logLocationSchema.parse({
          tapeId: tapes[0]!.id,
          kind: "on_site",
          site: "Start",
          occurredAt: new Date(base + 1_800_000),
        }),
      );
    }

    for (const step of steps) {
      const tapeId = oneByOne[step.tape]!.id;
      if (step.custody) {
        await recordCustody(
          app.db,
          actor,
          recordCustodySchema.parse({
            tapeId,
            fromParty: "Operations",
            toParty: step.site,
            signerName: "Carl Courier",
            occurredAt: step.occurredAt,
          }),
        );
      } else {
        await logLocation(
          app.db,
          actor,
          logLocationSchema.parse({ tapeId, kind: "off_site", site: step.site, occurredAt: step.occurredAt }),
        );
      }
    }
    const events = steps.map((step) =>
      step.custody
        ? custodyEvent(batched[step.tape]!.barcode, { occurredAt: step.occurredAt, toParty: step.site })
        : locationEvent(batched[step.tape]!.barcode, { occurredAt: step.occurredAt, site: step.site }),
    );
    expect(statuses(await push(events)).every((status) => status === "applied")).toBe(true);

    /** Everything about a cartridge's history except ids, the cartridge itself, and the sync origin. */
    async function history(tapeId: string) {
      const locations = await app.db.backupTapeLocation.findMany({ where: { tapeId }, orderBy: { site: "asc" } });
      const custody = await app.db.backupTapeCustody.findMany({ where: { tapeId }, orderBy: { toParty: "asc" } });
      const audit = await app.db.backupAuditLog.findMany({
        where: { entityId: { in: [...locations, ...custody].map((row) => row.id) } },
        orderBy: { id: "asc" },
      });
      const anonymous = <T extends object>(row: T) =>
        Object.fromEntries(
          Object.entries(row).filter(([key]) => !["id", "tapeId", "recordedAt", "eventId", "deviceId"].includes(key)),
        );
      const auditOf = (id: string) =>
        audit
          .filter((entry) => entry.entityId === id)
          .map(({ entityType, action, actorId, changes }) => ({
            entityType,
            action,
            actorId,
            changes: Object.fromEntries(
              Object.entries(changes as object).filter(([field]) => field !== "tapeId" && field !== "barcode"),
            ),
          }));
      return {
        locations: locations.map((row) => ({ ...anonymous(row), audit: auditOf(row.id) })),
        custody: custody.map((row) => ({ ...anonymous(row), audit: auditOf(row.id) })),
      };
    }
    for (let index = 0; index < 4; index += 1) {
      const expected = await history(oneByOne[index]!.id);
      expect(expected.locations.length + expected.custody.length).toBeGreaterThan(5);
      expect(await history(batched[index]!.id)).toEqual(expected);
    }
  });
});

describe("discarding a rejected event", () => {
  test("is audited with the content and reason, once, and the event stays rejected", async () => {
    const event = locationEvent("ZZZ999L8");
    await push([event]);

    expect(await courier.caller.sync.discard({ id: event.id, note: "Wrong cartridge scanned" })).toEqual({
      id: event.id,
      status: "discarded",
    });
    // A retry after a lost answer changes nothing.
    await courier.caller.sync.discard({ id: event.id });

    const entries = await app.db.backupAuditLog.findMany({ where: { entityType: "sync_event", entityId: event.id } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "discard",
      actorId: courier.user.id,
      changes: {
        type: { from: "location.logged", to: null },
        reason: { from: "No cartridge with barcode ZZZ999L8 is registered", to: null },
        content: { from: { type: "location.logged", payload: { barcode: "ZZZ999L8" } }, to: null },
        status: { from: "rejected", to: "discarded" },
        note: { from: null, to: "Wrong cartridge scanned" },
      },
    });
    expect(statuses(await push([event]))).toEqual(["rejected"]);
  });

  test("only a rejected event of one's own can be discarded", async () => {
    const tape = await createTape(app.db);
    const applied = locationEvent(tape.barcode);
    const rejected = locationEvent("ZZZ999L8");
    await push([applied, rejected]);
    const colleague = await signedInUser(app, { role: "courier" });

    expect((await clientError(courier.caller.sync.discard({ id: applied.id }))).data.code).toBe("CONFLICT");
    expect((await clientError(colleague.caller.sync.discard({ id: rejected.id }))).data.code).toBe("FORBIDDEN");
    expect((await clientError(courier.caller.sync.discard({ id: uuidv7() }))).data.code).toBe("NOT_FOUND");
    expect(await app.db.backupAuditLog.count({ where: { entityType: "sync_event" } })).toBe(0);
  });
});

describe("the catalogue pull", () => {
  /**
   * Moves every change time an hour back, as if the changes happened long before a first pull. (Changes after
   * one are settled by pulling with a later clock: a first pull's cursor holds when it began.)
   */
  async function settle() {
    await app.db.$executeRaw`UPDATE backup_tape_cartridge SET updated_at = updated_at - interval '1 hour'`;
    await app.db.$executeRaw`UPDATE backup_tape_location SET recorded_at = recorded_at - interval '1 hour'`;
    await app.db.$executeRaw`UPDATE backup_tape_tombstone SET deleted_at = deleted_at - interval '1 hour'`;
  }

  const inAnHour = () => new Date(Date.now() + 3_600_000);

  /** Pulls until told to stop; by a phone, or on a clock of its own through the service. */
  async function pullAll(cursor: string | null, limit = 500, now?: Date) {
    const items: CatalogueEntry[] = [];
    for (;;) {
      const page = now
        ? await pullCatalogue(app.db, { cursor, limit }, now)
        : await courier.caller.sync.catalogue({ cursor, limit });
      items.push(...page.items);
      cursor = page.cursor;
      if (!page.more) return { items, cursor };
    }
  }

  test("pages through every cartridge, then returns only what changed since the cursor", async () => {
    const tapes = [];
    for (let index = 0; index < 7; index += 1) tapes.push(await createTape(app.db));
    await settle();

    const first = await pullAll(null, 3);
    expect(first.items.map((item) => item.barcode).sort()).toEqual(tapes.map((tape) => tape.barcode).sort());
    expect(first.items.every((item) => !item.deleted && item.location === null && item.status === "empty")).toBe(true);
    expect((await pullAll(first.cursor)).items).toEqual([]);

    // A move and a deletion are both changes; the move is sent with its location.
    await push([locationEvent(tapes[2]!.barcode, { site: "Vault C" })]);
    await (await staffCaller()).tapes.delete({ id: tapes[4]!.id });
    const recent = await pullAll(first.cursor);
    expect(recent.items).toMatchObject([
      { deleted: false, barcode: tapes[2]!.barcode, id: tapes[2]!.id, location: { kind: "off_site", site: "Vault C" } },
      { deleted: true, barcode: tapes[4]!.barcode, id: tapes[4]!.id },
    ]);
    // Too recent to be settled: the cursor stays, and the next pull sends them again.
    expect(recent.cursor).toBe(first.cursor);

    const settled = await pullAll(first.cursor, 500, inAnHour());
    expect(settled.items.map((item) => [item.barcode, item.deleted])).toEqual([
      [tapes[2]!.barcode, false],
      [tapes[4]!.barcode, true],
    ]);
    expect((await pullAll(settled.cursor, 500, inAnHour())).items).toEqual([]);
  });

  test("sends each cartridge once, at its latest edit or move, however the pages fall", async () => {
    const tapes: Awaited<ReturnType<typeof createTape>>[] = [];
    for (let index = 0; index < 6; index += 1) tapes.push(await createTape(app.db));
    // Never moved, moved after registration, edited after its move: a cartridge's change time is the later
    // of its last edit and its current location's recording.
    await push(tapes.slice(0, 4).map((tape) => locationEvent(tape.barcode, { site: "Vault A" })));
    await (await staffCaller()).tapes.update({ id: tapes[1]!.id, data: { notes: "Edited after its move" } });
    await settle();

    for (const limit of [1, 2, 5, 500]) {
      const first = await pullAll(null, limit);
      expect(first.items.map((item) => item.id).sort()).toEqual(tapes.map((tape) => tape.id).sort());
      expect(first.items.filter((item) => !item.deleted && item.location?.site === "Vault A")).toHaveLength(4);
      expect((await pullAll(first.cursor, limit)).items).toEqual([]);
    }

    const { cursor } = await pullAll(null);
    await push([locationEvent(tapes[0]!.barcode, { site: "Vault B" }), locationEvent(tapes[5]!.barcode)]);
    await (await staffCaller()).tapes.update({ id: tapes[0]!.id, data: { notes: "Edited after its second move" } });
    await (await staffCaller()).tapes.update({ id: tapes[3]!.id, data: { notes: "Edited, still where it was" } });
    const changed = await pullAll(cursor, 1, inAnHour());
    expect(changed.items.map((item) => item.id).sort()).toEqual([tapes[0]!.id, tapes[3]!.id, tapes[5]!.id].sort());
    expect(changed.items.find((item) => item.id === tapes[0]!.id)).toMatchObject({ location: { site: "Vault B" } });
    expect(changed.items.find((item) => item.id === tapes[3]!.id)).toMatchObject({ location: { site: "Vault A" } });
    expect((await pullAll(changed.cursor, 500, inAnHour())).items).toEqual([]);
  });

  test("an older location synced late changes nothing the catalogue shows", async () => {
    const tape = await createTape(app.db);
    await push([locationEvent(tape.barcode, { site: "Vault B", occurredAt: new Date(Date.now() - 60_000) })]);
    await settle();
    const { cursor } = await pullAll(null);

    await push([locationEvent(tape.barcode, { site: "Vault A", occurredAt: new Date(Date.now() - 3_600_000) })]);
    expect((await pullAll(cursor)).items).toEqual([]);
  });

  test("changes younger than the settle window never move the cursor past them", async () => {
    const tape = await createTape(app.db);
    const now = new Date();
    const later = new Date(now.getTime() + 3_600_000);
    const first = await pullCatalogue(app.db, { cursor: null, limit: 10 }, now);
    expect(first).toMatchObject({ items: [{ barcode: tape.barcode }], more: true });

    // What changed while the first pull ran is pulled next: the cartridge again, too young to move past.
    const recent = await pullCatalogue(app.db, { cursor: first.cursor, limit: 10 }, now);
    expect(recent).toMatchObject({ items: [{ barcode: tape.barcode }], cursor: first.cursor, more: false });

    const settled = await pullCatalogue(app.db, { cursor: first.cursor, limit: 10 }, later);
    expect(settled.items.map((item) => item.barcode)).toEqual([tape.barcode]);
    expect(settled.cursor).not.toBe(first.cursor);
    expect((await pullCatalogue(app.db, { cursor: settled.cursor, limit: 10 }, later)).items).toEqual([]);
  });

  test("a change made while a first pull pages through the catalogue is pulled when it is done", async () => {
    const tapes: Awaited<ReturnType<typeof createTape>>[] = [];
    for (let index = 0; index < 4; index += 1) tapes.push(await createTape(app.db));
    const [early, late] = [...tapes].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(0, 2);
    const page = await courier.caller.sync.catalogue({ cursor: null, limit: 2 });
    expect(page.items.map((item) => item.id)).toEqual([early!.id, late!.id]);

    // Moved and deleted behind the first pull's position, after it began.
    await push([locationEvent(early!.barcode, { site: "Vault M" })]);
    await (await staffCaller()).tapes.delete({ id: late!.id });
    const rest = await pullAll(page.cursor);
    expect(rest.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: early!.id, location: expect.objectContaining({ site: "Vault M" }) }),
        expect.objectContaining({ id: late!.id, deleted: true }),
      ]),
    );
  });

  test("a cursor that is not one is a bad request", async () => {
    expect((await clientError(courier.caller.sync.catalogue({ cursor: "garbage" }))).data.code).toBe("BAD_REQUEST");
  });
});
