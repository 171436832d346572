import os from "node:os";
import { performance } from "node:perf_hooks";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { Prisma } from "../generated/prisma/client";
import { startAuditSchema } from "../lib/audits";
import { siteSchema } from "../lib/sites";
import { eventSubject, MAX_BATCH, type SyncEvent } from "../lib/sync/events";
import type { Db } from "../server/db";
import type { SyncPusher } from "../lib/users";
import { startAudit } from "../server/audits/service";
import { createSite } from "../server/sites/service";
import { pushEvents } from "../server/sync/service";
import { benchDatabaseUrl, openBenchDb, type Backend } from "./databases";

/**
 * How fast queued offline events are applied: 1,000 and 10,000 events pushed through the sync service in
 * batches of 100 (as phones push them), next to a raw batched INSERT of the same rows on the same kind of
 * database, the floor any apply path could reach. The queue mixes moves, hand-offs and inventory audit
 * scans (a consignment's events, a whole case each, are timed by bench:consignment).
 *   npm run bench:sync                                                   embedded PGlite
 *   BENCH_DATABASE_URL=postgres://user@host:port/postgres npm run bench:sync   PGlite, then PostgreSQL
 * Each measurement gets a fresh database; figures go to docs/PERFORMANCE.md, section "Sync".
 * PGlite is measured twice: as the app opens it (every commit flushed to disk) and as PGlite opens a
 * directory by default (fsync off), which is what durability costs. Single-event pushes, a phone
 * sending one scan, show the cost per commit.
 */
const options = z
  .object({
    BENCH_DATABASE_URL: benchDatabaseUrl,
    BENCH_SIZES: z
      .string()
      .default("1000,10000")
      .transform((value) => value.split(",").map(Number)),
    BENCH_SINGLE_PUSHES: z.coerce.number().int().min(10).default(200),
  })
  .parse(process.env);

const TAPES = 500;
/** Of every ten events: one hand-off, one audit scan, eight moves. */
const CUSTODY_SHARE = 0.1;
const AUDIT_SHARE = 0.1;
const actor: SyncPusher = {
  id: "0190a000-0000-7000-8000-00000000bench",
  name: "Bench Courier",
  role: "courier",
  backupAccess: "write",
  approver: false,
};
const barcodes = Array.from({ length: TAPES }, (_, index) => `B${index.toString().padStart(5, "0")}L8`);

/**
 * A phone's queue: mostly moves, some hand-offs and audit scans (a label scanned again for the same audit
 * counts once, so only its first scan writes), times spread over the last week and out of order.
 */
function queuedEvents(count: number, auditId: string): SyncEvent[] {
  const now = Date.now();
  const every = (share: number) => Math.round(1 / share);
  return Array.from({ length: count }, (_, index): SyncEvent => {
    const barcode = barcodes[(index * 7919) % TAPES]!;
    const occurredAt = new Date(now - ((index * 104_729) % (7 * 86_400_000)));
    if (index % every(AUDIT_SHARE) === 1)
      return { id: uuidv7(), type: "audit.scanned", occurredAt, payload: { auditId, barcode } };
    return index % every(CUSTODY_SHARE) === 0
      ? {
          id: uuidv7(),
          type: "custody.recorded",
          occurredAt,
          payload: { barcode, fromParty: "Vault", toParty: "Courier", signerName: "Carl Courier" },
        }
      : {
          id: uuidv7(),
          type: "location.logged",
          occurredAt,
          payload: { barcode, kind: "off_site", site: `Vault ${index % 40}` },
        };
  });
}

const batches = <T>(items: T[]) =>
  Array.from({ length: Math.ceil(items.length / MAX_BATCH) }, (_, index) =>
    items.slice(index * MAX_BATCH, (index + 1) * MAX_BATCH),
  );

/** The cartridges, and an open audit of a room none of them is in yet: every scan finds one misplaced. */
async function seed(db: Db) {
  await db.backupTapeCartridge.createMany({
    data: barcodes.map((barcode) => ({ barcode, mediaId: "L8", generation: 8, mediaType: "data" as const })),
  });
  const tapes = await db.backupTapeCartridge.findMany({ select: { id: true, barcode: true } });
  const site = await createSite(db, actor, siteSchema.parse({ name: "Tape room", kind: "on_site" }));
  const audit = await startAudit(db, actor, startAuditSchema.parse({ siteId: site.id }));
  return { tapeIds: new Map(tapes.map((tape) => [tape.barcode, tape.id])), auditId: audit.id };
}

async function throughService(db: Db, events: SyncEvent[]) {
  for (const batch of batches(events)) {
    const results = await pushEvents(db, actor, { deviceId: "bench-phone", events: batch });
    const failed = results.find((result) => result.status !== "applied");
    if (failed) throw new Error(`Event not applied: ${JSON.stringify(failed)}`);
  }
}

/**
 * The rows the service writes for the same events (receipt; location or custody row and audit entry; the
 * first scan of each label for the audit), as one multi-row INSERT per table per batch, in one transaction
 * per batch. Nothing is read, locked or checked.
 */
async function rawInsert(db: Db, events: SyncEvent[], tapeIds: Map<string, string>, scanned: Set<string>) {
  const receivedAt = new Date();
  for (const batch of batches(events)) {
    const rows = batch.map((event) => ({ event, tapeId: tapeIds.get(eventSubject(event))!, rowId: uuidv7() }));
    const moves = rows.filter(({ event }) => event.type === "location.logged");
    const handoffs = rows.filter(({ event }) => event.type === "custody.recorded");
    const firstScans = rows.flatMap(({ event, tapeId }) => {
      if (event.type !== "audit.scanned" || scanned.has(event.payload.barcode)) return [];
      scanned.add(event.payload.barcode);
      return [{ event, tapeId }];
    });
    const audited = [...moves, ...handoffs];
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO sync_event (id, type, device_id, user_id, occurred_at, received_at, status) VALUES ${Prisma.join(
        rows.map(
          ({ event }) =>
            Prisma.sql`(${event.id}, ${event.type}, 'bench-phone', ${actor.id}, ${event.occurredAt}, ${receivedAt}, 'applied')`,
        ),
      )}`;
      if (moves.length > 0) {
        await tx.$executeRaw`INSERT INTO backup_tape_location (id, tape_id, kind, site, occurred_at, recorded_at, recorded_by_id, recorded_by_name, event_id, device_id) VALUES ${Prisma.join(
          moves.map(
            ({ event, tapeId, rowId }) =>
              Prisma.sql`(${rowId}, ${tapeId}, 'off_site', ${event.type === "location.logged" ? event.payload.site : null}, ${event.occurredAt}, ${receivedAt}, ${actor.id}, ${actor.name}, ${event.id}, 'bench-phone')`,
          ),
        )}`;
      }
      if (handoffs.length > 0) {
        await tx.$executeRaw`INSERT INTO backup_tape_custody (id, tape_id, from_party, to_party, occurred_at, signer_name, recorded_at, recorded_by_id, recorded_by_name, event_id, device_id) VALUES ${Prisma.join(
          handoffs.map(
            ({ event, tapeId, rowId }) =>
              Prisma.sql`(${rowId}, ${tapeId}, 'Vault', 'Courier', ${event.occurredAt}, 'Carl Courier', ${receivedAt}, ${actor.id}, ${actor.name}, ${event.id}, 'bench-phone')`,
          ),
        )}`;
      }
      if (firstScans.length > 0) {
        await tx.$executeRaw`INSERT INTO backup_inventory_scan (id, audit_id, barcode, tape_id, outcome, catalogue_location, scanned_at, scanned_by_id, scanned_by_name, event_id, device_id) VALUES ${Prisma.join(
          firstScans.map(
            ({ event, tapeId }) =>
              Prisma.sql`(${uuidv7()}, ${event.payload.auditId}, ${event.payload.barcode}, ${tapeId}, 'misplaced', 'no location recorded', ${event.occurredAt}, ${actor.id}, ${actor.name}, ${event.id}, 'bench-phone')`,
          ),
        )}`;
      }
      await tx.$executeRaw`INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_id, actor_name) VALUES ${Prisma.join(
        audited.map(
          ({ event, rowId }) =>
            Prisma.sql`(${event.type === "location.logged" ? "location" : "custody"}, ${rowId}, 'create', ${JSON.stringify({ barcode: { from: null, to: eventSubject(event) } })}::jsonb, ${actor.id}, ${actor.name})`,
        ),
      )}`;
    });
  }
}

type Method = "service" | "raw";
type Result = { backend: string; events: number; method: Method; ms: number };
type Latency = { backend: string; pushes: number; p50: number; p95: number };

const open = (backend: Backend) => openBenchDb(backend, "sync");

/** One measurement on a database of its own, after a warm-up batch that opens connections and compiles queries. */
async function measure(backend: Backend, method: Method, count: number): Promise<Result & { description: string }> {
  const { db, description, close } = await open(backend);
  try {
    const { tapeIds, auditId } = await seed(db);
    const scanned = new Set<string>();
    const apply = (events: SyncEvent[]) =>
      method === "service" ? throughService(db, events) : rawInsert(db, events, tapeIds, scanned);
    await apply(queuedEvents(MAX_BATCH, auditId));
    const events = queuedEvents(count, auditId);
    const start = performance.now();
    await apply(events);
    const ms = performance.now() - start;
    const applied = await db.syncEvent.count();
    if (applied !== count + MAX_BATCH)
      throw new Error(`${method}: expected ${count + MAX_BATCH} events stored, found ${applied}`);
    return { backend: backend.name, description, events: count, method, ms };
  } finally {
    await close();
  }
}

/** A phone pushing one event at a time: each push is one transaction, so one commit to flush. */
async function measureSinglePushes(backend: Backend, pushes: number): Promise<Latency> {
  const { db, close } = await open(backend);
  try {
    const { auditId } = await seed(db);
    await throughService(db, queuedEvents(10, auditId));
    const times: number[] = [];
    for (const event of queuedEvents(pushes, auditId)) {
      const start = performance.now();
      await throughService(db, [event]);
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    const at = (share: number) => times[Math.min(times.length - 1, Math.floor(share * times.length))]!;
    return { backend: backend.name, pushes, p50: at(0.5), p95: at(0.95) };
  } finally {
    await close();
  }
}

const count = (n: number) => n.toLocaleString("en");
const perSecond = (events: number, ms: number) => count(Math.round((events / ms) * 1000));

function table(results: Result[]) {
  const lines = [
    "| Database | Events | Service (ms) | Service (events/s) | Raw INSERT (ms) | Raw (events/s) | Service ÷ raw |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const service of results.filter((result) => result.method === "service")) {
    const raw = results.find(
      (result) => result.method === "raw" && result.backend === service.backend && result.events === service.events,
    )!;
    lines.push(
      `| ${service.backend} | ${count(service.events)} | ${count(Math.round(service.ms))} | ${perSecond(service.events, service.ms)} | ${count(Math.round(raw.ms))} | ${perSecond(raw.events, raw.ms)} | ${(service.ms / raw.ms).toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}

function latencyTable(results: Latency[]) {
  return [
    "| Database | Single-event pushes | p50 (ms) | p95 (ms) |",
    "| --- | ---: | ---: | ---: |",
    ...results.map(
      (result) =>
        `| ${result.backend} | ${count(result.pushes)} | ${result.p50.toFixed(1)} | ${result.p95.toFixed(1)} |`,
    ),
  ].join("\n");
}

async function main() {
  const backends: Backend[] = [
    { name: "PGlite, fsync on", durable: true },
    { name: "PGlite, fsync off", durable: false },
    ...(options.BENCH_DATABASE_URL ? [{ name: "PostgreSQL", serverUrl: options.BENCH_DATABASE_URL }] : []),
  ];
  const results: Result[] = [];
  const latencies: Latency[] = [];
  for (const backend of backends) {
    for (const events of options.BENCH_SIZES) {
      for (const method of ["service", "raw"] as const) {
        const result = await measure(backend, method, events);
        console.log(`${result.description}: ${method} ${count(events)} events in ${Math.round(result.ms)} ms`);
        results.push(result);
      }
    }
    const latency = await measureSinglePushes(backend, options.BENCH_SINGLE_PUSHES);
    console.log(`${backend.name}: ${latency.pushes} single-event pushes, p50 ${latency.p50.toFixed(1)} ms`);
    latencies.push(latency);
  }
  console.log(`\nLoad average while measuring: ${os.loadavg()[0]!.toFixed(1)} (1 min) on ${os.cpus().length} cores\n`);
  console.log(table(results));
  console.log(`\n${latencyTable(latencies)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
