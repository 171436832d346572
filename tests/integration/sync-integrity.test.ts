import { beforeEach, describe, expect, test } from "vitest";
import type { EventResult, SyncEvent } from "../../lib/sync/events";
import { createTape } from "../factories/backup";
import { signatureImage } from "../factories/signature";
import { custodyEvent, locationEvent } from "../factories/sync-events";
import type { TestUser } from "../factories/users";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let courier: { user: TestUser; caller: Caller };

beforeEach(async () => {
  await truncateAll(app.db);
  courier = await signedInUser(app, { role: "courier", name: "Carl Courier" });
});

const MINUTE = 60_000;
const push = (events: SyncEvent[], options: { deviceTime?: Date; caller?: Caller } = {}) =>
  (options.caller ?? courier.caller).sync.push({ deviceId: "phone-1", deviceTime: options.deviceTime, events });
const statuses = (results: EventResult[]) => results.map((result) => result.status);
const occurredAtOf = async (event: SyncEvent) =>
  (await app.db.backupTapeLocation.findUniqueOrThrow({ where: { eventId: event.id } })).occurredAt.getTime();

describe("a device whose clock is off", () => {
  test("its events' times are corrected by how far its clock is off when it pushes", async () => {
    const tape = await createTape(app.db);
    const ahead = 3 * 60 * MINUTE;
    // Recorded ten minutes ago by a phone whose clock runs three hours ahead.
    const event = locationEvent(tape.barcode, { occurredAt: new Date(Date.now() + ahead - 10 * MINUTE) });

    const before = Date.now();
    expect(statuses(await push([event], { deviceTime: new Date(Date.now() + ahead) }))).toEqual(["applied"]);

    const corrected = await occurredAtOf(event);
    expect(corrected).toBeGreaterThanOrEqual(before - 10 * MINUTE - 2_000);
    expect(corrected).toBeLessThanOrEqual(Date.now() - 10 * MINUTE + 2_000);
    const received = await app.db.syncEvent.findUniqueOrThrow({ where: { id: event.id } });
    // The receipt keeps what the device claimed and its clock, so the correction can be traced.
    expect(received.occurredAt).toEqual(event.occurredAt);
    expect(received.deviceTime!.getTime() - received.receivedAt.getTime()).toBeGreaterThan(ahead - MINUTE);
  });

  test("a clock running behind no longer lets an older event lose to one recorded before it", async () => {
    const tape = await createTape(app.db);
    const earlier = locationEvent(tape.barcode, { occurredAt: new Date(Date.now() - 30 * MINUTE), site: "Earlier" });
    await push([earlier]);
    // Five minutes ago, by a phone an hour behind: by its own clock an hour and five minutes ago.
    const later = locationEvent(tape.barcode, { occurredAt: new Date(Date.now() - 65 * MINUTE), site: "Later" });

    await push([later], { deviceTime: new Date(Date.now() - 60 * MINUTE) });

    const current = await app.db.backupTapeLocation.findFirstOrThrow({ where: { tapeId: tape.id, isCurrent: true } });
    expect(current.site).toBe("Later");
  });

  test("a time still ahead of the server is clamped to when the event arrived", async () => {
    const tape = await createTape(app.db);
    const ahead = locationEvent(tape.barcode, { occurredAt: new Date(Date.now() + 20 * 60 * MINUTE), site: "Ahead" });

    // Without the device's clock (an older app) and with a clock that was right when it pushed alike.
    expect(statuses(await push([ahead]))).toEqual(["applied"]);
    const withClock = locationEvent(tape.barcode, { occurredAt: new Date(Date.now() + 30 * MINUTE) });
    expect(statuses(await push([withClock], { deviceTime: new Date() }))).toEqual(["applied"]);

    for (const event of [ahead, withClock]) {
      const receivedAt = (await app.db.syncEvent.findUniqueOrThrow({ where: { id: event.id } })).receivedAt;
      expect(await occurredAtOf(event)).toBe(receivedAt.getTime());
    }
  });

  test("a difference within two minutes is left alone: it may be only the upload time", async () => {
    const tape = await createTape(app.db);
    const event = locationEvent(tape.barcode, { occurredAt: new Date(Date.now() - 10 * MINUTE) });
    await push([event], { deviceTime: new Date(Date.now() - 90_000) });
    expect(await occurredAtOf(event)).toBe(event.occurredAt.getTime());
  });

  test("a device time the database cannot hold refuses the push as a whole", async () => {
    const tape = await createTape(app.db);
    const error = await clientError(push([locationEvent(tape.barcode)], { deviceTime: new Date(8.64e15) }));
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(await app.db.syncEvent.count()).toBe(0);
  });
});

describe("replayed event ids", () => {
  test("the same event pushed again is a duplicate; other content under its id is rejected and not applied", async () => {
    const tape = await createTape(app.db);
    const event = locationEvent(tape.barcode, { site: "Vault" });
    await push([event]);

    expect(statuses(await push([{ ...event }]))).toEqual(["duplicate"]);
    // The same content with its keys in another order is still the same event.
    const { id, type, occurredAt } = event;
    const reordered = { payload: { site: "Vault", kind: "off_site", barcode: tape.barcode }, occurredAt, type, id };
    expect(statuses(await push([reordered as SyncEvent]))).toEqual(["duplicate"]);

    const forged = { ...event, payload: { ...event.payload, site: "Somewhere else" } } as SyncEvent;
    expect(await push([forged])).toEqual([
      { id: event.id, status: "rejected", reason: "This event id belongs to a different event; not applied" },
    ]);
    const later = { ...event, occurredAt: new Date() };
    expect(statuses(await push([later]))).toEqual(["rejected"]);
    expect(await app.db.backupTapeLocation.count()).toBe(1);
    expect((await app.db.backupTapeLocation.findFirstOrThrow()).site).toBe("Vault");
  });

  test("another user's event id is rejected, even with the same content", async () => {
    const tape = await createTape(app.db);
    const event = custodyEvent(tape.barcode);
    await push([event]);
    const other = await signedInUser(app, { role: "courier", name: "Olga Other" });

    expect(await push([event], { caller: other.caller })).toEqual([
      { id: event.id, status: "rejected", reason: "This event id belongs to another user's event; not applied" },
    ]);
    expect(await app.db.backupTapeCustody.count()).toBe(1);
  });

  test("within one push, the same id with other content is rejected, the same content is a duplicate", async () => {
    const tape = await createTape(app.db);
    const event = locationEvent(tape.barcode, { site: "Vault" });
    const forged = { ...event, payload: { ...event.payload, site: "Elsewhere" } } as SyncEvent;
    expect(statuses(await push([event, forged, event]))).toEqual(["applied", "rejected", "duplicate"]);
  });

  test("a rejected event replayed with other content is rejected for that, not answered with its old reason", async () => {
    const event = locationEvent("NOPE01L9");
    const [first] = await push([event]);
    expect(first).toMatchObject({ status: "rejected", reason: expect.stringMatching(/No cartridge/) });
    const tape = await createTape(app.db);
    const [second] = await push([{ ...event, payload: { ...event.payload, barcode: tape.barcode } } as SyncEvent]);
    expect(second).toEqual({
      id: event.id,
      status: "rejected",
      reason: "This event id belongs to a different event; not applied",
    });
  });
});

const bytesOf = (dataUrl: string) => Buffer.from(dataUrl.split(",")[1]!, "base64");
const asDataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString("base64")}`;

const SOUND = signatureImage();
const TRUNCATED = asDataUrl(bytesOf(SOUND).subarray(0, bytesOf(SOUND).length - 20));
// A byte of the image data changed: the header still reads as a PNG, the checksum no longer matches.
const FORGED = (() => {
  const bytes = Buffer.from(bytesOf(SOUND));
  const data = bytes.indexOf("IDAT", 0, "latin1") + 6;
  bytes[data] = bytes[data]! ^ 0xff;
  return asDataUrl(bytes);
})();
const HEADER_ONLY = asDataUrl(bytesOf(SOUND).subarray(0, 33));
const OVERSIZED = signatureImage({ width: 5000, height: 200 });

describe("signatures", () => {
  test.each([
    ["truncated", TRUNCATED, "The signature image is damaged or incomplete"],
    ["altered", FORGED, "The signature image is damaged or incomplete"],
    ["only a header", HEADER_ONLY, "The signature image is damaged or incomplete"],
    ["too large", OVERSIZED, "The signature image is too large (5000×200; at most 4096×1024 pixels)"],
    [
      "not a PNG inside",
      asDataUrl(Buffer.from("GIF89a not a png at all, only posing as one")),
      "The signature is not a PNG image",
    ],
  ])(
    "a PNG that is %s is refused at the desk and rejected from a phone, with the reason",
    async (_name, signature, reason) => {
      const tape = await createTape(app.db);
      const handOff = { fromParty: "Ops", toParty: "Vault", signerName: "Val" };
      const error = await clientError(courier.caller.custody.record({ tapeId: tape.id, ...handOff, signature }));
      expect(error.data.code).toBe("BAD_REQUEST");
      expect(error.message).toBe(reason);

      const event = custodyEvent(tape.barcode);
      const signed = { ...event, payload: { ...event.payload, signature } } as SyncEvent;
      expect(await push([signed])).toEqual([{ id: event.id, status: "rejected", reason: `signature: ${reason}` }]);
      expect(await app.db.backupTapeCustody.count()).toBe(0);
    },
  );

  test("a sound PNG is kept, at the desk and from a phone", async () => {
    const tape = await createTape(app.db);
    const handOff = { fromParty: "Ops", toParty: "Vault", signerName: "Val" };
    await courier.caller.custody.record({ tapeId: tape.id, ...handOff, signature: SOUND });
    const event = custodyEvent(tape.barcode);
    expect(statuses(await push([{ ...event, payload: { ...event.payload, signature: SOUND } } as SyncEvent]))).toEqual([
      "applied",
    ]);
    expect((await app.db.backupTapeCustody.findMany()).map((row) => row.signature)).toEqual([SOUND, SOUND]);
  });

  test("a discarded event's audit entry says it was signed but leaves the image out", async () => {
    const event = custodyEvent("NOPE01L9");
    const signed = { ...event, payload: { ...event.payload, signature: SOUND } } as SyncEvent;
    expect(statuses(await push([signed]))).toEqual(["rejected"]);

    await courier.caller.sync.discard({ id: event.id });

    const entry = await app.db.backupAuditLog.findFirstOrThrow({ where: { entityType: "sync_event" } });
    const serialised = JSON.stringify(entry.changes);
    expect(serialised).not.toContain(SOUND.slice(30, 80));
    expect(entry.changes).toMatchObject({
      content: { from: { payload: { signed: true, signerName: "Carl Courier" } }, to: null },
    });
  });
});
