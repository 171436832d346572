import "fake-indexeddb/auto";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { mergeCataloguePage } from "../../app/_client/catalogue-cache";
import { InvalidEventError } from "../../app/_client/invalid-event-error";
import { cachedTape, rejectedEvents, searchCachedTapes, SyncDb, type CachedTape } from "../../app/_client/outbox";
import {
  SyncEngine,
  SyncTransportError,
  type Locks,
  type Network,
  type SyncEngineOptions,
  type SyncTransport,
} from "../../app/_client/sync-loop";
import { normaliseLabel } from "../../lib/lto";
import type { CatalogueEntry } from "../../lib/sync/catalogue";
import { eventSubject, type EventResult, type SyncEvent, type SyncEventDraft } from "../../lib/sync/events";
import { handOffForBatch, logLocationForBatch } from "../../app/(app)/backup/scan/batch-events";

const ALICE = "user-alice";
const BOB = "user-bob";
const KNOWN = ["AAA001L8", "AAA002L8", "AAA003L8"];

/** The server's contract in memory: each event id applied at most once, rejections remembered. */
class FakeServer {
  readonly barcodes = new Set(KNOWN);
  readonly applied = new Map<string, SyncEvent>();
  /** Every application, duplicates included: exactly-once means this equals `applied.size`. */
  applications = 0;
  readonly rejected = new Map<string, string>();
  readonly discarded = new Map<string, string | undefined>();
  readonly pushes: string[][] = [];
  catalogue: CatalogueEntry[] = [];

  push(events: SyncEvent[]): EventResult[] {
    this.pushes.push(events.map((event) => event.id));
    return events.map((event): EventResult => {
      if (this.applied.has(event.id)) return { id: event.id, status: "duplicate" };
      const earlier = this.rejected.get(event.id);
      if (earlier) return { id: event.id, status: "rejected", reason: earlier };
      const barcode = normaliseLabel(eventSubject(event));
      if (event.type !== "tape.registered" && !this.barcodes.has(barcode)) {
        const reason = `No cartridge with barcode ${barcode} is registered`;
        this.rejected.set(event.id, reason);
        return { id: event.id, status: "rejected", reason };
      }
      if (event.type === "tape.registered") this.barcodes.add(barcode);
      this.applied.set(event.id, event);
      this.applications += 1;
      return { id: event.id, status: "applied" };
    });
  }

  /** Two entries a page, the cursor being the position reached. */
  pullCatalogue(cursor: string | null) {
    // As the server refuses a cursor it did not make (e.g. one of an older version's format).
    if (cursor !== null && !/^\d+$/.test(cursor))
      throw new SyncTransportError("refused", "The page cursor is not valid; start again from the first page");
    const start = cursor ? Number(cursor) : 0;
    const items = this.catalogue.slice(start, start + 2);
    const end = start + items.length;
    return {
      items,
      cursor: String(end),
      more: end < this.catalogue.length,
      serverTime: new Date(),
      sites: [],
      consignments: [],
      audits: [],
    };
  }
}

type Fault = "drop-request" | "drop-response" | "server-error" | "unauthorized";

/** A transport to the fake server that fails on purpose: the next pushes take their fault from `faults`. */
function faultyTransport(server: FakeServer, faults: Fault[] = [], pause?: () => Promise<void>) {
  const transport: SyncTransport & { faults: Fault[]; pushCalls: number; deviceTimes: Date[] } = {
    faults,
    pushCalls: 0,
    deviceTimes: [],
    async push({ events, deviceTime }) {
      transport.pushCalls += 1;
      transport.deviceTimes.push(deviceTime);
      await pause?.();
      const fault = transport.faults.shift();
      if (fault === "drop-request") throw new SyncTransportError("network", "No connection to the server");
      if (fault === "server-error") throw new SyncTransportError("server", "Internal server error");
      if (fault === "unauthorized") throw new SyncTransportError("unauthorized", "Sign in to continue");
      const results = server.push(events);
      if (fault === "drop-response") throw new SyncTransportError("network", "No connection to the server");
      return results;
    },
    async pullCatalogue({ cursor }) {
      return server.pullCatalogue(cursor);
    },
    async discard({ id, note }) {
      if (!server.rejected.has(id))
        throw new SyncTransportError("refused", "This event was applied; there is nothing to discard");
      server.discarded.set(id, note);
    },
  };
  return transport;
}

function fakeNetwork() {
  const listeners = new Set<(online: boolean) => void>();
  const network: Network & { isOnline: boolean; set(online: boolean): void } = {
    isOnline: true,
    online: () => network.isOnline,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(online) {
      network.isOnline = online;
      for (const listener of listeners) listener(online);
    },
  };
  return network;
}

/** A Web Locks stand-in shared by the "tabs" of one test: callbacks run one after another. */
function sharedLocks(): Locks & { held: number; maxHeld: number } {
  let tail: Promise<unknown> = Promise.resolve();
  const locks = {
    held: 0,
    maxHeld: 0,
    request<T>(_name: string, callback: () => Promise<T>): Promise<T> {
      const run = tail.then(async () => {
        locks.held += 1;
        locks.maxHeld = Math.max(locks.maxHeld, locks.held);
        try {
          return await callback();
        } finally {
          locks.held -= 1;
        }
      });
      tail = run.catch(() => {});
      return run;
    },
  };
  return locks;
}

const location = (barcode: string, site = "Vault"): SyncEventDraft => ({
  type: "location.logged",
  payload: { barcode, kind: "off_site", site },
});

let dbCount = 0;
const openDbs: SyncDb[] = [];
function newDb(name = `sync-test-${(dbCount += 1)}`) {
  const db = new SyncDb(name);
  openDbs.push(db);
  return db;
}

const engines: SyncEngine[] = [];
function newEngine(options: Partial<SyncEngineOptions> & Pick<SyncEngineOptions, "db" | "transport">) {
  const engine = new SyncEngine({
    userId: ALICE,
    locks: null,
    network: fakeNetwork(),
    intervalMs: 60_000,
    retryBaseMs: 1_000,
    retryMaxMs: 30_000,
    random: () => 1,
    ...options,
  });
  engines.push(engine);
  return engine;
}

async function enqueueMany(engine: SyncEngine, count: number, barcode = KNOWN[0]!) {
  for (let index = 0; index < count; index += 1) await engine.enqueue(location(barcode, `Shelf ${index}`));
}

/** Lets the timer due in `ms` fire and waits for the sync it starts. */
async function after(ms: number, ...waitFor: SyncEngine[]) {
  await vi.advanceTimersByTimeAsync(ms);
  await Promise.all(waitFor.map((engine) => engine.idle()));
}

/** Runs Dexie's deferred notifications (fake timers) and IndexedDB's work (real setImmediate) until quiet. */
async function flush() {
  for (let round = 0; round < 20; round += 1) {
    await vi.advanceTimersByTimeAsync(0);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const delayOf = (engine: SyncEngine) => engine.getStatus().nextAttemptAt!.getTime() - Date.now();

beforeEach(() => {
  // fake-indexeddb schedules with setImmediate, which stays real.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(new Date("2026-11-26T09:00:00Z"));
});

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.stop();
  for (const db of openDbs.splice(0)) db.close();
  vi.useRealTimers();
});

describe("pushing the outbox", () => {
  test("sends waiting events in batches of 100, in the order recorded, and empties the outbox", async () => {
    const server = new FakeServer();
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server) });
    const stopped = newEngine({ db, transport: faultyTransport(server) });
    for (let index = 0; index < 250; index += 1) await stopped.enqueue(location(KNOWN[index % 3]!, `Shelf ${index}`));
    const recorded = (await db.outbox.toArray()).sort((a, b) => a.seq - b.seq).map((row) => row.id);

    await engine.start();

    expect(server.pushes.map((batch) => batch.length)).toEqual([100, 100, 50]);
    expect(server.pushes.flat()).toEqual(recorded);
    expect(server.applications).toBe(250);
    expect(await db.outbox.count()).toBe(0);
    expect(engine.getStatus()).toMatchObject({
      syncing: false,
      offline: false,
      lastError: null,
      lastSyncedAt: new Date(),
    });
  });

  test("a dropped request is retried after the backoff delay", async () => {
    const server = new FakeServer();
    const db = newDb();
    const transport = faultyTransport(server, ["drop-request"]);
    const engine = newEngine({ db, transport });
    await enqueueMany(engine, 3);
    await engine.start();
    await flush();

    expect(server.applied.size).toBe(0);
    expect(engine.getStatus()).toMatchObject({ offline: true, waiting: 3, lastError: "No connection to the server" });
    expect((await db.outbox.toArray()).map((row) => row.attempts)).toEqual([1, 1, 1]);

    await after(999, engine);
    expect(transport.pushCalls).toBe(1);
    await after(1, engine);
    expect(server.applications).toBe(3);
    expect(await db.outbox.count()).toBe(0);
    await flush();
    expect(engine.getStatus()).toMatchObject({ offline: false, waiting: 0, lastError: null });
  });

  test("a response lost after the server applied the batch is replayed and never applied twice", async () => {
    const server = new FakeServer();
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server, ["drop-response", "drop-response"]) });
    await enqueueMany(engine, 5);
    await engine.start();
    expect(server.applied.size).toBe(5);
    expect(await db.outbox.count()).toBe(5);

    await after(1_000, engine);
    await after(2_000, engine);

    expect(server.pushes).toHaveLength(3);
    expect(server.applications).toBe(5);
    expect(await db.outbox.count()).toBe(0);
  });

  test("500s back off exponentially up to the cap, and the backoff resets after a success", async () => {
    const server = new FakeServer();
    const db = newDb();
    const transport = faultyTransport(server, Array<Fault>(7).fill("server-error"));
    const engine = newEngine({ db, transport });
    await enqueueMany(engine, 1);
    await engine.start();

    const delays = [delayOf(engine)];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      await after(delays.at(-1)!, engine);
      delays.push(delayOf(engine));
    }
    // Seven failures, then the eighth attempt succeeds and the engine returns to its regular interval.
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    await after(30_000, engine);
    expect(await db.outbox.count()).toBe(0);
    expect(delayOf(engine)).toBe(60_000);

    transport.faults.push("server-error");
    await enqueueMany(engine, 1);
    await engine.idle();
    expect(delayOf(engine)).toBe(1_000);
  });

  test("large events (drawn signatures) go in smaller batches", async () => {
    const server = new FakeServer();
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server), maxBatchBytes: 700_000 });
    const signature = `data:image/png;base64,${"A".repeat(290_000)}`;
    for (let index = 0; index < 5; index += 1) {
      await engine.enqueue({
        type: "custody.recorded",
        payload: { barcode: KNOWN[0]!, fromParty: "Vault", toParty: "Courier", signerName: "Carl", signature },
      });
    }
    await engine.start();
    expect(server.pushes.map((batch) => batch.length)).toEqual([2, 2, 1]);
    expect(server.applications).toBe(5);
  });

  test("jitter spreads retries between half and all of the delay", async () => {
    const server = new FakeServer();
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server, ["server-error"]), random: () => 0 });
    await enqueueMany(engine, 1);
    await engine.start();
    expect(delayOf(engine)).toBe(500);
  });

  test("a rejected event in the middle of a batch is kept with its reason and blocks nothing", async () => {
    const server = new FakeServer();
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server) });
    await engine.enqueue(location(KNOWN[0]!));
    const unknown = await engine.enqueue(location("ZZZ999L8"));
    await engine.enqueue(location(KNOWN[1]!));
    await engine.start();

    expect(server.applications).toBe(2);
    expect(await db.outbox.toArray()).toEqual([
      expect.objectContaining({
        id: unknown.id,
        status: "rejected",
        reason: "No cartridge with barcode ZZZ999L8 is registered",
      }),
    ]);
    await flush();
    expect(engine.getStatus()).toMatchObject({ waiting: 0, rejected: 1 });
    expect((await rejectedEvents(db, ALICE)).map((row) => row.id)).toEqual([unknown.id]);

    // Later syncs neither resend it nor stop at it.
    await engine.enqueue(location(KNOWN[2]!));
    await engine.idle();
    expect(server.pushes.at(-1)).toHaveLength(1);
    expect(server.pushes.flat().filter((id) => id === unknown.id)).toHaveLength(1);
    expect(server.applications).toBe(3);
  });

  test("a rejected event can be discarded, or corrected and sent again", async () => {
    const server = new FakeServer();
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server) });
    await engine.start();
    const first = await engine.enqueue(location("ZZZ998L8"));
    const second = await engine.enqueue(location("ZZZ999L8", "Van"));
    await engine.idle();

    await engine.discard(first.id, "Scanned the wrong label");
    expect(server.discarded.get(first.id)).toBe("Scanned the wrong label");
    expect(await db.outbox.get(first.id)).toBeUndefined();

    const corrected = await engine.resubmit(second.id, location(KNOWN[0]!, "Van"));
    await engine.idle();
    expect(server.discarded.has(second.id)).toBe(true);
    expect(server.applied.get(corrected.id)).toMatchObject({
      occurredAt: second.occurredAt,
      payload: { barcode: KNOWN[0], site: "Van" },
    });
    expect(await db.outbox.count()).toBe(0);

    await expect(engine.discard(corrected.id)).rejects.toThrow(/Only an event the server rejected/);
  });

  test("an expired session stops the engine until resume, and nothing is lost", async () => {
    const server = new FakeServer();
    const db = newDb();
    const transport = faultyTransport(server, ["unauthorized"]);
    const engine = newEngine({ db, transport });
    await enqueueMany(engine, 4);
    await engine.start();

    expect(engine.getStatus()).toMatchObject({ needsSignIn: true, nextAttemptAt: null });
    await enqueueMany(engine, 2);
    await after(10 * 60_000, engine);
    expect(transport.pushCalls).toBe(1);
    expect(await db.outbox.count()).toBe(6);

    await engine.resume();
    await flush();
    expect(engine.getStatus()).toMatchObject({ needsSignIn: false, waiting: 0 });
    expect(server.applications).toBe(6);
    expect(await db.outbox.count()).toBe(0);
  });

  test("events wait for the user who recorded them", async () => {
    const server = new FakeServer();
    const db = newDb();
    const bobsSession = newEngine({ db, transport: faultyTransport(server), userId: BOB });
    await bobsSession.enqueue(location(KNOWN[0]!, "Bob's shelf"));
    const engine = newEngine({ db, transport: faultyTransport(server) });
    await engine.enqueue(location(KNOWN[1]!, "Alice's shelf"));
    await engine.start();
    await flush();

    expect([...server.applied.values()].map((event) => event.payload)).toMatchObject([{ site: "Alice's shelf" }]);
    expect(engine.getStatus()).toMatchObject({ waiting: 0, waitingOtherUsers: 1 });

    // Bob signs in on this phone.
    await engine.resume(BOB);
    await flush();
    expect(server.applications).toBe(2);
    expect(engine.getStatus()).toMatchObject({ waiting: 0, waitingOtherUsers: 0 });
  });

  test("each push names the user who recorded its events, so the server can refuse them under another session", async () => {
    const server = new FakeServer();
    const db = newDb();
    const transport = faultyTransport(server);
    const authors: string[] = [];
    const push = transport.push;
    transport.push = (batch) => {
      authors.push(batch.author);
      return push(batch);
    };
    await newEngine({ db, transport: faultyTransport(server), userId: BOB }).enqueue(location(KNOWN[0]!));
    const engine = newEngine({ db, transport });
    await engine.enqueue(location(KNOWN[1]!));
    await engine.start();
    await engine.resume(BOB);

    expect(authors).toEqual([ALICE, BOB]);
    expect(server.applications).toBe(2);
  });

  test("events of other users are counted by author, with the name they signed in with", async () => {
    const server = new FakeServer();
    const db = newDb();
    const bob = newEngine({ db, transport: faultyTransport(server), userId: BOB, userName: "Bob Courier" });
    await bob.enqueue(location(KNOWN[0]!));
    await bob.enqueue(location(KNOWN[1]!));
    const engine = newEngine({ db, transport: faultyTransport(server, ["drop-request"]), userName: "Alice Admin" });
    await engine.enqueue(location(KNOWN[2]!));
    await engine.start();
    await flush();

    expect(engine.getStatus()).toMatchObject({
      waiting: 1,
      waitingOtherUsers: 2,
      waitingFor: [{ userId: BOB, name: "Bob Courier", count: 2 }],
    });
    expect((await db.outbox.toArray()).map((row) => [row.userId, row.userName])).toEqual(
      expect.arrayContaining([
        [BOB, "Bob Courier"],
        [ALICE, "Alice Admin"],
      ]),
    );
  });

  test("going offline pauses attempts; coming back online syncs at once", async () => {
    const server = new FakeServer();
    const db = newDb();
    const network = fakeNetwork();
    const engine = newEngine({ db, transport: faultyTransport(server), network });
    await engine.start();
    network.set(false);
    await enqueueMany(engine, 2);
    await engine.idle();
    expect(engine.getStatus().offline).toBe(true);
    expect(server.pushes).toHaveLength(0);

    network.set(true);
    await engine.idle();
    expect(server.applications).toBe(2);
    expect(engine.getStatus().offline).toBe(false);
  });
});

describe("several tabs", () => {
  /** Yields to IndexedDB and other engines, so two tabs' pushes really interleave. */
  const interleave = () => new Promise<void>((resolve) => setImmediate(resolve));

  test("two tabs syncing the same database at once apply every event exactly once", async () => {
    const server = new FakeServer();
    const name = `shared-${(dbCount += 1)}`;
    const [tabA, tabB] = [newDb(name), newDb(name)];
    const writer = newEngine({ db: tabA, transport: faultyTransport(server) });
    for (let index = 0; index < 300; index += 1) await writer.enqueue(location(KNOWN[index % 3]!, `Shelf ${index}`));

    const transport = faultyTransport(server, [], interleave);
    const a = newEngine({ db: tabA, transport });
    const b = newEngine({ db: tabB, transport });
    await Promise.all([a.start(), b.start()]);

    expect(server.applied.size).toBe(300);
    expect(server.applications).toBe(300);
    // Without a lock both tabs pushed some events: the server's idempotency is what kept it exactly once.
    expect(server.pushes.flat().length).toBeGreaterThan(300);
    expect(await tabA.outbox.count()).toBe(0);
  });

  test("with Web Locks, one tab syncs at a time", async () => {
    const server = new FakeServer();
    const name = `shared-${(dbCount += 1)}`;
    const [tabA, tabB] = [newDb(name), newDb(name)];
    const writer = newEngine({ db: tabA, transport: faultyTransport(server) });
    for (let index = 0; index < 300; index += 1) await writer.enqueue(location(KNOWN[index % 3]!, `Shelf ${index}`));

    const locks = sharedLocks();
    const transport = faultyTransport(server, ["drop-response"], interleave);
    const a = newEngine({ db: tabA, transport, locks });
    const b = newEngine({ db: tabB, transport, locks });
    await Promise.all([a.start(), b.start()]);
    await after(1_000, a, b);

    expect(locks.maxHeld).toBe(1);
    expect(server.applications).toBe(300);
    expect(await tabB.outbox.count()).toBe(0);
  });
});

describe("the offline catalogue", () => {
  const tape = (
    barcode: string,
    fields: Partial<Extract<CatalogueEntry, { deleted: false }>> = {},
  ): CatalogueEntry => ({
    deleted: false,
    id: `id-${barcode}`,
    barcode,
    status: "full",
    location: null,
    changedAt: new Date("2026-11-26T08:00:00Z"),
    ...fields,
  });

  test("is pulled page by page after pushing, with tombstones removing deleted cartridges", async () => {
    const server = new FakeServer();
    server.catalogue = [
      tape("AAA001L8"),
      tape("AAA002L8"),
      tape("AAA003L8"),
      { deleted: true, id: "id-AAA002L8", barcode: "AAA002L8", changedAt: new Date() },
    ];
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server) });
    await engine.start();

    expect((await db.catalogue.toArray()).map((row) => row.barcode)).toEqual(["AAA001L8", "AAA003L8"]);
    expect(await db.meta.get("catalogueCursor")).toEqual({ key: "catalogueCursor", value: "4" });

    server.catalogue.push(tape("AAA004L8", { status: "empty" }));
    await engine.syncNow();
    expect(await cachedTape(db, " *aaa004l8* ")).toMatchObject({ id: "id-AAA004L8", status: "empty" });
    expect((await searchCachedTapes(db, "aaa00")).map((row) => row.barcode)).toEqual([
      "AAA001L8",
      "AAA003L8",
      "AAA004L8",
    ]);
  });

  test("a stored cursor the server no longer accepts starts the catalogue again instead of failing every pull", async () => {
    const server = new FakeServer();
    server.catalogue = [tape("AAA001L8"), tape("AAA003L8")];
    const db = newDb();
    // A cartridge the stored catalogue still holds, which a fresh pull no longer lists.
    await db.catalogue.put({
      barcode: "AAA002L8",
      id: "id-AAA002L8",
      status: "full",
      location: null,
      changedAt: new Date(),
    });
    await db.meta.put({ key: "catalogueCursor", value: "old-format" });
    const engine = newEngine({ db, transport: faultyTransport(server) });
    await engine.start();

    expect(engine.getStatus().lastError).toBeNull();
    expect((await db.catalogue.toArray()).map((row) => row.barcode)).toEqual(["AAA001L8", "AAA003L8"]);
    expect(await db.meta.get("catalogueCursor")).toEqual({ key: "catalogueCursor", value: "2" });
  });

  test("a tombstone for an older cartridge with the same barcode leaves the newer one", async () => {
    const server = new FakeServer();
    server.catalogue = [
      tape("AAA001L8", { id: "new-id" }),
      { deleted: true, id: "old-id", barcode: "AAA001L8", changedAt: new Date() },
    ];
    const db = newDb();
    await newEngine({ db, transport: faultyTransport(server) }).start();
    expect(await cachedTape(db, "AAA001L8")).toMatchObject({ id: "new-id" });
  });

  test("an event changes the cache in the same transaction as its outbox row, and a pull keeps it until it is synced", async () => {
    const server = new FakeServer();
    const before = { kind: "on_site" as const, site: "Server room", occurredAt: new Date("2026-11-26T07:00:00Z") };
    server.catalogue = [tape("AAA001L8", { location: before })];
    const db = newDb();
    // Alice moved the cartridge; her event has not reached the server yet.
    await newEngine({ db, transport: faultyTransport(server) }).enqueue(location("AAA001L8", "Courier van"));
    const moved: Partial<CachedTape> = { location: { kind: "off_site", site: "Courier van", occurredAt: new Date() } };
    expect(await db.outbox.count()).toBe(1);

    await mergeCataloguePage(db, server.pullCatalogue(null), ALICE);

    // The server does not know the move yet: its older location must not undo what the courier saw.
    expect(await cachedTape(db, "AAA001L8")).toMatchObject({ ...moved, id: "id-AAA001L8", status: "full" });
  });

  test("another user's unsent event shows nowhere in the catalogue of whoever signs in next", async () => {
    const server = new FakeServer();
    const before = { kind: "on_site" as const, site: "Server room", occurredAt: new Date("2026-11-26T07:00:00Z") };
    server.catalogue = [tape("AAA001L8", { location: before })];
    const db = newDb();
    // Bob moved the cartridge on this phone and signed out before his event was sent.
    await newEngine({ db, transport: faultyTransport(server), userId: BOB }).enqueue(location("AAA001L8", "Bob's van"));

    await newEngine({ db, transport: faultyTransport(server) }).start();

    expect(await cachedTape(db, "AAA001L8")).toMatchObject({ location: before });
    expect(await db.outbox.count()).toBe(1);
  });

  test("an older event does not move a cached cartridge; a cartridge registered here is cached without an id", async () => {
    const db = newDb();
    const engine = newEngine({
      db,
      transport: faultyTransport(new FakeServer(), Array<Fault>(3).fill("drop-request")),
    });
    await engine.enqueue({ type: "tape.registered", payload: { barcode: "new001l9" } });
    await engine.enqueue({ ...location("NEW001L9", "Vault"), occurredAt: new Date(Date.now() - 60_000) });
    await engine.enqueue({ ...location("NEW001L9", "Earlier"), occurredAt: new Date(Date.now() - 120_000) });

    expect(await cachedTape(db, "NEW001L9")).toMatchObject({ id: null, status: "empty", location: { site: "Vault" } });
  });

  test("an invalid event is refused before it reaches the outbox or the cache", async () => {
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(new FakeServer()) });
    await expect(engine.enqueue(location("NO PE"))).rejects.toThrow(InvalidEventError);
    await expect(engine.enqueue(location("NO PE"))).rejects.toThrow(/barcode: An LTO label has 8 characters/);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.catalogue.count()).toBe(0);
  });
});

describe("batch actions", () => {
  test("a failure midway queues nothing, and trying again queues each cartridge's event once", async () => {
    const server = new FakeServer();
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server) });
    const occurredAt = new Date();
    const place = { kind: "in_transit" as const, custodian: "Courier" };

    await expect(
      logLocationForBatch(engine, { barcodes: [KNOWN[0]!, "NO PE", KNOWN[1]!], occurredAt, place }),
    ).rejects.toThrow(/Event 2: barcode/);
    expect(await db.outbox.count()).toBe(0);
    expect(await db.catalogue.count()).toBe(0);

    await logLocationForBatch(engine, { barcodes: [KNOWN[0]!, KNOWN[1]!], occurredAt, place });
    await engine.start();

    expect(server.applications).toBe(2);
    expect([...server.applied.values()].map((event) => eventSubject(event))).toEqual([KNOWN[0], KNOWN[1]]);
  });

  test("a hand-off for a batch is queued as one event per cartridge, all or none", async () => {
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(new FakeServer(), ["drop-request"]) });
    const handoff = { fromParty: "Courier", toParty: "Vault", signerName: "Val" };
    const occurredAt = new Date();

    await expect(handOffForBatch(engine, { barcodes: [KNOWN[0]!, "NO PE"], occurredAt, handoff })).rejects.toThrow(
      InvalidEventError,
    );
    expect(await db.outbox.count()).toBe(0);
    const rows = await handOffForBatch(engine, { barcodes: KNOWN, occurredAt, handoff });
    expect(rows.map((row) => row.barcode)).toEqual(KNOWN);
    expect(await db.outbox.count()).toBe(3);
  });
});

describe("the current location on this device", () => {
  const at = new Date("2026-11-26T08:30:00Z");

  test("of two events at the same moment the one recorded later is shown, before and after a pull", async () => {
    const server = new FakeServer();
    server.catalogue = [
      {
        deleted: false,
        id: "id-AAA001L8",
        barcode: "AAA001L8",
        status: "full",
        location: { kind: "on_site", site: "Server room", occurredAt: at },
        changedAt: new Date("2026-11-26T08:00:00Z"),
      },
    ];
    const db = newDb();
    const engine = newEngine({ db, transport: faultyTransport(server) });
    await engine.enqueue({ ...location("AAA001L8", "First"), occurredAt: at });
    await engine.enqueue({ ...location("AAA001L8", "Second"), occurredAt: at });

    // A pull brings the server's location while the events still wait: the server will apply them after the
    // location it has, so at the same moment the last of them is current.
    await mergeCataloguePage(db, server.pullCatalogue(null), ALICE);

    expect(await cachedTape(db, "AAA001L8")).toMatchObject({ location: { site: "Second", occurredAt: at } });
  });
});

describe("a device whose clock is off", () => {
  test("sends its clock with each push and shows how far it is off", async () => {
    const server = new FakeServer();
    const transport = faultyTransport(server);
    const ahead = 20 * 60_000;
    const engine = newEngine({ db: newDb(), transport, clock: { now: () => Date.now() + ahead } });
    await engine.enqueue({ ...location(KNOWN[0]!), occurredAt: new Date() });

    await engine.start();

    expect(transport.deviceTimes).toEqual([new Date(Date.now() + ahead)]);
    expect(engine.getStatus().clockOffsetMs).toBe(ahead);
  });

  test("a clock that is right shows no offset", async () => {
    const engine = newEngine({ db: newDb(), transport: faultyTransport(new FakeServer()) });
    await engine.start();
    expect(engine.getStatus().clockOffsetMs).toBe(0);
  });
});
