import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { v7 as uuidv7 } from "uuid";
import { request, type APIRequestContext } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { PrismaClient } from "../../generated/prisma/client";
import type { EventResult, SyncEvent } from "../../lib/sync/events";
import { verifyAuditChain } from "../../server/audit/chain";
import { auditKeyFor } from "../../server/audit/key";
import { callTrpc, signInAsFirstAdmin, startApp, TrpcRefusal, type RunningApp } from "./harness";

/**
 * A phone pushes 1,000 events in batches; the server dies with SIGKILL while a batch is in flight (no
 * shutdown code runs, the embedded database is left as the crash left it) and starts again on the same
 * directory. The phone then does what its outbox does: pushes again everything not acknowledged, and
 * some acknowledged batches too, as after a lost answer. Every event must be applied exactly once.
 */

const ADMIN = { name: "Ana Admin", email: "ana@example.com", password: "correct-horse-42" };
const TAPE_COUNT = 20;
const EVENT_COUNT = 1_000;
// 13 batches of 50 to 100 events, like the phone's outbox.
const BATCH_SIZES = [50, 100, 75, 60, 90, 85, 50, 100, 75, 60, 90, 85, 80];
const DEVICE = "phone-crash-1";

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-crash-"));
let app: RunningApp;
let base: string;
/** The phone's connection to the server, with its session cookie. */
let phone: APIRequestContext;

beforeAll(async () => {
  [app, phone] = await Promise.all([startApp({ dataDir }), request.newContext()]);
  // The server sees 127.0.0.1, so the first administrator needs no setup code.
  base = app.url("127.0.0.1");
});

afterAll(async () => {
  await phone?.dispose();
  await app?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

class NoAnswer extends Error {}

/** A call the phone makes; a call the server never answers (it died) fails with NoAnswer. */
async function trpc<T>(procedure: string, input: unknown, type: "query" | "mutation" = "mutation"): Promise<T> {
  try {
    return await callTrpc<T>(phone, base, procedure, input, type);
  } catch (error) {
    if (error instanceof TrpcRefusal) throw error;
    throw new NoAnswer(`${procedure}: no answer (${(error as Error).message})`, { cause: error });
  }
}

const push = (events: SyncEvent[]) => trpc<EventResult[]>("sync.push", { deviceId: DEVICE, events });

type Tape = { id: string; barcode: string };
type StoredTape = Tape & {
  locations: { id: string; eventId: string | null; occurredAt: Date; isCurrent: boolean }[];
  custodyEvents: { id: string; eventId: string | null }[];
};

/** 1,000 events over the cartridges, a fifth of them hand-offs, each at a different moment of the last hours. */
function fieldEvents(tapes: Tape[]): SyncEvent[] {
  const now = Date.now();
  return Array.from({ length: EVENT_COUNT }, (_, n): SyncEvent => {
    const barcode = tapes[n % tapes.length]!.barcode;
    // A permutation of 0..999, so the order pushed says nothing about which event is the latest.
    const occurredAt = new Date(now - 60_000 - ((n * 7919) % EVENT_COUNT) * 30_000);
    // Every fifth round over the cartridges is hand-offs, so each cartridge gets both kinds.
    return Math.floor(n / tapes.length) % 5 === 4
      ? {
          id: uuidv7(),
          type: "custody.recorded",
          occurredAt,
          payload: { barcode, fromParty: "Operations", toParty: "Courier", signerName: "Carl Courier" },
        }
      : {
          id: uuidv7(),
          type: "location.logged",
          occurredAt,
          payload: { barcode, kind: n % 2 ? "in_transit" : "off_site", site: `Stop ${n}` },
        };
  });
}

function batchesOf(events: SyncEvent[]): SyncEvent[][] {
  let start = 0;
  return BATCH_SIZES.map((size) => events.slice(start, (start += size)));
}

const statusesOf = (results: EventResult[]) => [...new Set(results.map((result) => result.status))];
const idsOf = (events: { id: string }[]) => events.map((event) => event.id);
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// One story, its steps in order: each needs what the one before left. Two starts of the app and three rounds of
// 1,000 events take longer than the default allows.
test("a crash in the middle of a sync: every event pushed is applied exactly once", async () => {
  const acknowledged: number[] = [];
  let crashedDuring = -1;

  // The app's first start was on an empty directory: it created and migrated the embedded database itself.
  expect(app.logs()).toContain("Applying migrations to the embedded database");

  // The first administrator signs in over HTTP and registers the cartridges.
  await signInAsFirstAdmin(phone, app, base, ADMIN);
  expect((await phone.storageState()).cookies.map((cookie) => cookie.name).join(" ")).toContain("session_token");

  const tapes: Tape[] = [];
  for (let n = 0; n < TAPE_COUNT; n++)
    tapes.push(await trpc<Tape>("tapes.register", { barcode: `CRS${String(n).padStart(3, "0")}L8` }));
  const events = fieldEvents(tapes);
  const batches = batchesOf(events);
  expect(batches.flat()).toHaveLength(EVENT_COUNT);

  // The server is killed while a batch is in flight, after earlier batches were acknowledged.
  const timings: number[] = [];
  for (let index = 0; index < 4; index++) {
    const started = performance.now();
    const results = await push(batches[index]!);
    timings.push(performance.now() - started);
    expect(results).toEqual(batches[index]!.map(({ id }) => ({ id, status: "applied" })));
    acknowledged.push(index);
  }

  // Halfway through a typical batch: the request has arrived and its transaction is under way.
  const delay = Math.max(5, timings.sort((a, b) => a - b)[1]! / 2);
  for (let index = acknowledged.length; index < batches.length && crashedDuring < 0; index++) {
    let answered = false;
    const inFlight = push(batches[index]!).then(
      (results) => ({ results }),
      (error: unknown) => ({ error }),
    );
    void inFlight.then(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (answered) {
      // This one was quicker than usual; the crash comes during the next.
      expect(await inFlight).toEqual({ results: batches[index]!.map(({ id }) => ({ id, status: "applied" })) });
      acknowledged.push(index);
      continue;
    }
    await app.kill();
    const outcome = await inFlight;
    if ("results" in outcome) {
      // The answer left the server in the moment before it died: acknowledged, like the batches before it.
      expect(outcome).toEqual({ results: batches[index]!.map(({ id }) => ({ id, status: "applied" })) });
      acknowledged.push(index);
    } else {
      expect(outcome).toEqual({ error: expect.any(NoAnswer) });
    }
    crashedDuring = index;
  }
  expect(crashedDuring).toBeGreaterThanOrEqual(4);

  // The dead server's lock on the database is still there, naming a process that no longer exists.
  const owner = Number(fs.readFileSync(path.join(dataDir, "backup-monitor.lock"), "utf8"));
  expect(isAlive(owner)).toBe(false);

  // The server starts again on the same database despite the lock the crash left.
  app = await startApp({ dataDir });
  base = app.url("127.0.0.1");
  expect(app.logs()).not.toMatch(/in use|could not start|PANIC|corrupt/i);
  expect(app.logs()).toContain("is up to date");
  // The session survived the crash with the database.
  expect((await trpc<{ barcode: string }>("tapes.get", { id: tapes[0]!.id }, "query")).barcode).toBe(tapes[0]!.barcode);

  // The phone pushes again what was not acknowledged and some of what was: acknowledged events come back as duplicates, the rest apply, nothing twice.
  // Answers lost for two acknowledged batches: the phone sends them again first.
  const resent = [acknowledged[0]!, acknowledged.at(-1)!];
  for (const index of resent) {
    expect(await push(batches[index]!)).toEqual(batches[index]!.map(({ id }) => ({ id, status: "duplicate" })));
  }

  // The batch in flight at the crash committed whole or not at all.
  const retried = await push(batches[crashedDuring]!);
  expect(idsOf(retried)).toEqual(idsOf(batches[crashedDuring]!));
  expect([["applied"], ["duplicate"]]).toContainEqual(statusesOf(retried));

  for (let index = crashedDuring + 1; index < batches.length; index++) {
    expect(await push(batches[index]!)).toEqual(batches[index]!.map(({ id }) => ({ id, status: "applied" })));
  }
  // Everything once more, as a phone whose outbox was restored from a backup would: all duplicates.
  for (const batch of batches) expect(statusesOf(await push(batch))).toEqual(["duplicate"]);

  // Through the API: every event is one row, and each cartridge's one current location is its latest.
  const stored = await Promise.all(tapes.map((tape) => trpc<StoredTape>("tapes.get", { id: tape.id }, "query")));
  const locationEvents = events.filter((event) => event.type === "location.logged");
  const custodyEvents = events.filter((event) => event.type === "custody.recorded");

  const locationIds = stored.flatMap((tape) => tape.locations.map((location) => location.eventId));
  expect(locationIds.toSorted()).toEqual(idsOf(locationEvents).toSorted());
  const custodyIds = stored.flatMap((tape) => tape.custodyEvents.map((custody) => custody.eventId));
  expect(custodyIds.toSorted()).toEqual(idsOf(custodyEvents).toSorted());

  for (const tape of stored) {
    const current = tape.locations.filter((location) => location.isCurrent);
    expect(current, tape.barcode).toHaveLength(1);
    expect(current[0]!.occurredAt.getTime()).toBe(
      Math.max(...tape.locations.map((location) => location.occurredAt.getTime())),
    );
  }

  // After a clean stop the database opens in another process: one receipt, one row and one audit entry per event, and an intact audit chain.
  await app.stop();
  expect(fs.existsSync(path.join(dataDir, "backup-monitor.lock"))).toBe(false);

  const pglite = new PGlite(dataDir, { extensions: PGLITE_EXTENSIONS });
  const db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  try {
    const receipts = await db.syncEvent.groupBy({ by: ["status"], _count: { _all: true } });
    expect(receipts.map((row) => [row.status, row._count._all])).toEqual([["applied", EVENT_COUNT]]);
    expect(new Set((await db.syncEvent.findMany({ select: { id: true } })).map((row) => row.id))).toEqual(
      new Set(idsOf(events)),
    );

    const locations = await db.backupTapeLocation.findMany({ select: { id: true, eventId: true } });
    const custody = await db.backupTapeCustody.findMany({ select: { id: true, eventId: true } });
    expect(locations).toHaveLength(events.filter((event) => event.type === "location.logged").length);
    expect(custody).toHaveLength(events.filter((event) => event.type === "custody.recorded").length);

    const audit = await db.backupAuditLog.findMany({
      where: { entityType: { in: ["location", "custody"] } },
      select: { entityId: true },
    });
    expect(audit).toHaveLength(EVENT_COUNT);
    expect(audit.map((entry) => entry.entityId).toSorted()).toEqual(
      [...locations, ...custody].map((row) => row.id).toSorted(),
    );

    const chain = await verifyAuditChain(db, { key: auditKeyFor({ kind: "pglite", dataDir }, undefined) });
    expect(chain).toMatchObject({ intact: true });
  } finally {
    await db.$disconnect();
    await pglite.close();
  }
}, 300_000);
