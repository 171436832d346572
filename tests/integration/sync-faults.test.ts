import "fake-indexeddb/auto";
import { TRPCError } from "@trpc/server";
import Dexie from "dexie";
import { afterAll, beforeAll, expect, test } from "vitest";
import { enqueueAll, SyncDb, type RecordedEvent } from "../../app/_client/outbox";
import { SyncEngine, SyncTransportError, type SyncTransport } from "../../app/_client/sync-loop";
import type { SyncEventDraft } from "../../lib/sync/events";
import type { TestUser } from "../factories/users";
import { signedInUser, useTestApp, type Caller } from "../helpers/app";

/**
 * Five phones push 3,000 events through the real router and database while the network drops 20 % of
 * requests, loses 20 % of responses after the server applied the batch, and the phones restart at random
 * (a reload: the engine is thrown away mid-sync and a new one opens the same database). The phones record
 * in small chunks and push in small batches, so the faults hit hundreds of requests and dozens of restarts.
 */
const DEVICES = 5;
const EVENTS_PER_DEVICE = 600;
/** Events per push: a fifth of what a phone may send at once, for as many requests as a larger workload makes. */
const BATCH_SIZE = 20;
const REGISTERED_PER_DEVICE = 10;
const KNOWN_TAPES = 300;
const DROP_REQUEST = 0.2;
const DROP_RESPONSE = 0.2;
const RESTART = 0.15;

const app = useTestApp();
let courier: { user: TestUser; caller: Caller };

/** Reproducible randomness for the workload and the faults (timing still varies run to run). */
function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
const random = seeded(20261126);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const knownBarcodes = Array.from({ length: KNOWN_TAPES }, (_, index) => `F${index.toString().padStart(5, "0")}L8`);
const stats = { calls: 0, dropped: 0, lost: 0, restarts: 0, pushes: 0, duplicates: 0 };

type TimedDraft = SyncEventDraft & { occurredAt: Date };

/** Registrations first, then moves (some of the device's new cartridges) and a few custody hand-offs. */
function workload(device: number): TimedDraft[] {
  const now = Date.now();
  // Any moment in the last ten days, so older events regularly arrive after newer ones.
  const at = () => new Date(now - Math.floor(random() * 10 * 86_400_000));
  const own = Array.from(
    { length: REGISTERED_PER_DEVICE },
    (_, index) => `D${device}R${index.toString().padStart(3, "0")}L9`,
  );
  const drafts: TimedDraft[] = own.map((barcode) => ({
    type: "tape.registered",
    payload: { barcode },
    occurredAt: at(),
  }));
  while (drafts.length < EVENTS_PER_DEVICE) {
    const barcode = random() < 0.1 ? pick(own) : pick(knownBarcodes);
    drafts.push(
      random() < 0.05
        ? {
            type: "custody.recorded",
            payload: { barcode, fromParty: "Vault", toParty: "Courier", signerName: "Carl Courier" },
            occurredAt: at(),
          }
        : {
            type: "location.logged",
            payload: {
              barcode,
              kind: pick(["on_site", "in_transit", "off_site"] as const),
              site: `Site ${drafts.length}`,
            },
            occurredAt: at(),
          },
    );
  }
  return drafts;
}

const asTransportError = (error: unknown) =>
  error instanceof TRPCError && error.code === "UNAUTHORIZED"
    ? new SyncTransportError("unauthorized", error.message)
    : new SyncTransportError("server", error instanceof Error ? error.message : "Server error");

/**
 * The real router behind a lossy network. `alive` turns false when the page "reloads": whatever the old
 * engine still had in flight reaches the server, but its answer is never seen.
 */
function lossyTransport(caller: Caller) {
  const link = { alive: true };
  const call = async <T>(request: () => Promise<T>): Promise<T> => {
    stats.calls += 1;
    if (random() < DROP_REQUEST) {
      stats.dropped += 1;
      throw new SyncTransportError("network", "Request dropped");
    }
    let answer: T;
    try {
      answer = await request();
    } catch (error) {
      throw asTransportError(error);
    }
    if (!link.alive || random() < DROP_RESPONSE) {
      stats.lost += 1;
      throw new SyncTransportError("network", "Response lost");
    }
    return answer;
  };
  const transport: SyncTransport = {
    push: (batch) =>
      call(async () => {
        stats.pushes += 1;
        const results = await caller.sync.push(batch);
        stats.duplicates += results.filter((result) => result.status === "duplicate").length;
        return results;
      }),
    pullCatalogue: ({ cursor }) => call(() => caller.sync.catalogue({ cursor })),
    discard: (input) => call(async () => void (await caller.sync.discard(input))),
  };
  return { transport, link };
}

type Device = { name: string; db: SyncDb; engine: SyncEngine; link: { alive: boolean }; enqueued: string[] };

function boot(name: string): Pick<Device, "db" | "engine" | "link"> {
  const db = new SyncDb(name);
  const { transport, link } = lossyTransport(courier.caller);
  const engine = new SyncEngine({
    db,
    transport,
    userId: courier.user.id,
    locks: null,
    network: { online: () => true, subscribe: () => () => {} },
    intervalMs: 500,
    retryBaseMs: 5,
    retryMaxMs: 80,
    batchSize: BATCH_SIZE,
  });
  void engine.start();
  return { db, engine, link };
}

function restart(device: Device) {
  stats.restarts += 1;
  device.link.alive = false;
  device.engine.stop();
  device.db.close();
  Object.assign(device, boot(device.name));
}

async function pendingOn(device: Device) {
  return device.db.outbox.where("status").equals("pending").count();
}

/** Records the device's events in chunks, as a courier would, restarting the phone now and then. */
async function drive(device: Device, drafts: TimedDraft[]) {
  let next = 0;
  while (next < drafts.length) {
    if (random() < RESTART) restart(device);
    const chunk = drafts.slice(next, next + 5 + Math.floor(random() * 60));
    const rows = await enqueueAll(
      device.db,
      chunk.map((draft) => ({ ...draft, userId: courier.user.id }) as RecordedEvent),
    );
    device.enqueued.push(...rows.map((row) => row.id));
    next += chunk.length;
    void device.engine.syncNow();
    await sleep(random() * 40);
  }
}

const devices: Device[] = [];

beforeAll(async () => {
  // Staff: the device also registers cartridges, which couriers may not.
  courier = await signedInUser(app, { role: "staff", name: "Sam Staff" });
  await app.db.backupTapeCartridge.createMany({
    data: knownBarcodes.map((barcode) => ({ barcode, mediaId: "L8", generation: 8, mediaType: "data" as const })),
  });
});

afterAll(async () => {
  for (const device of devices) {
    device.engine.stop();
    device.db.close();
    await Dexie.delete(device.name);
  }
});

test(`${(DEVICES * EVENTS_PER_DEVICE).toLocaleString("en")} events from ${DEVICES} phones over a lossy network with restarts: each applied exactly once, none lost`, async () => {
  const started = Date.now();
  const drafts = Array.from({ length: DEVICES }, (_, index) => workload(index + 1));
  for (let index = 0; index < DEVICES; index += 1) {
    const name = `fault-phone-${index + 1}-${Date.now()}`;
    devices.push({ name, enqueued: [], ...boot(name) });
  }

  await Promise.all(devices.map((device, index) => drive(device, drafts[index]!)));
  // Let every phone drain its outbox, still restarting now and then.
  for (;;) {
    const pending = (await Promise.all(devices.map(pendingOn))).reduce((sum, count) => sum + count, 0);
    if (pending === 0) break;
    if (Date.now() - started > 270_000) throw new Error(`${pending} events still waiting after 270 s`);
    if (random() < 0.05) restart(pick(devices));
    await sleep(100);
  }
  for (const device of devices) {
    device.engine.stop();
    await device.engine.idle();
  }

  const all = drafts.flat();
  const expected = {
    events: all.length,
    locations: all.filter((draft) => draft.type === "location.logged").length,
    custody: all.filter((draft) => draft.type === "custody.recorded").length,
    registrations: all.filter((draft) => draft.type === "tape.registered").length,
  };
  const enqueued = devices.flatMap((device) => device.enqueued);
  expect(enqueued).toHaveLength(expected.events);

  // Every event reached the server once: one receipt each, all applied, and one row and one audit entry each.
  const receipts = await app.db.syncEvent.groupBy({ by: ["status"], _count: { _all: true } });
  expect(receipts.map((row) => [row.status, row._count._all])).toEqual([["applied", expected.events]]);
  const receivedIds = new Set((await app.db.syncEvent.findMany({ select: { id: true } })).map((row) => row.id));
  expect(enqueued.filter((id) => !receivedIds.has(id))).toEqual([]);
  expect(await app.db.backupTapeLocation.count({ where: { eventId: { in: enqueued } } })).toBe(expected.locations);
  expect(await app.db.backupTapeLocation.count()).toBe(expected.locations);
  expect(await app.db.backupTapeCustody.count()).toBe(expected.custody);
  expect(await app.db.backupTapeCartridge.count()).toBe(KNOWN_TAPES + expected.registrations);
  const audit = await app.db.backupAuditLog.groupBy({
    by: ["entityType", "action"],
    _count: { _all: true },
    orderBy: { entityType: "asc" },
  });
  expect(audit.map((row) => [row.entityType, row.action, row._count._all])).toEqual([
    ["custody", "create", expected.custody],
    ["location", "create", expected.locations],
    ["tape", "create", expected.registrations],
  ]);

  // However late an event arrived, each cartridge's current location is its latest by when it happened.
  const wrongCurrent = await app.db.$queryRaw<{ tape_id: string }[]>`
    SELECT t.id AS tape_id FROM backup_tape_cartridge t
    WHERE EXISTS (SELECT 1 FROM backup_tape_location l WHERE l.tape_id = t.id)
      AND (SELECT count(*) FROM backup_tape_location l WHERE l.tape_id = t.id AND l.is_current) <> 1
       OR (SELECT occurred_at FROM backup_tape_location l WHERE l.tape_id = t.id AND l.is_current)
          <> (SELECT max(occurred_at) FROM backup_tape_location l WHERE l.tape_id = t.id)`;
  expect(wrongCurrent).toEqual([]);

  for (const device of devices) expect(await device.db.outbox.count()).toBe(0);
  // The faults did happen, at the rates asked for (lost answers also count those of reloaded pages).
  expect(stats.dropped / stats.calls).toBeGreaterThan(DROP_REQUEST / 2);
  expect(stats.lost / (stats.calls - stats.dropped)).toBeGreaterThan(DROP_RESPONSE / 2);
  // Answers lost after the server applied a batch come back as duplicates: a tenth of all events at least.
  expect(stats.duplicates).toBeGreaterThan(expected.events / 10);
  expect(stats.restarts).toBeGreaterThan(5);
  console.log(
    `sync faults: ${JSON.stringify(stats)} in ${((Date.now() - started) / 1000).toFixed(1)} s on ${app.kind}`,
  );
}, 300_000);
