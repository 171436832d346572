import os from "node:os";
import { performance } from "node:perf_hooks";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { startAuditSchema } from "../lib/audits";
import { siteSchema } from "../lib/sites";
import { eventSubject, MAX_BATCH, type SyncEvent } from "../lib/sync/events";
import type { Db } from "../server/db";
import type { SyncPusher } from "../lib/users";
import { startAudit } from "../server/audits/service";
import { approveConsignment, createConsignment, submitConsignment } from "../server/consignments/service";
import { createSite } from "../server/sites/service";
import { pushEvents } from "../server/sync/service";
import { signatureImage } from "../tests/factories/signature";
import { dispatchEvent, receiptEvent } from "../tests/factories/sync-events";
import { benchDatabaseUrl, openBenchDb, type Backend } from "./databases";
import { median } from "./stats";

/**
 * How fast queued offline events are applied: 1,000 and 10,000 events pushed through the sync service in
 * batches of 100 (as phones push them), next to a raw batched INSERT of the same rows on the same kind of
 * database, the floor any apply path could reach. The queue mixes moves, hand-offs, inventory audit scans
 * and consignments' dispatches and receipts (a case of ten cartridges each). Service and floor are measured
 * in turn, BENCH_ROUNDS times each, and the medians compared, so that a slow moment of a shared machine
 * does not land on one side only.
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
    BENCH_ROUNDS: z.coerce.number().int().min(1).default(3),
  })
  .parse(process.env);

const TAPES = 500;
/** Of every ten events: one hand-off, one audit scan, eight moves; in every fifty, one consignment's step. */
const CUSTODY_SHARE = 0.1;
const AUDIT_SHARE = 0.1;
const CONSIGNMENT_EVERY = 50;
/** Cartridges in a consignment's case, none of them among the moved ones. */
const CASE_SIZE = 10;
const actor: SyncPusher = {
  id: "0190a000-0000-7000-8000-00000000bench",
  name: "Bench Courier",
  role: "courier",
  backupAccess: "write",
  approver: false,
};
const planner = { id: "0190a000-0000-7000-8000-0000000plan1", name: "Bench Planner" };
const approver = { id: "0190a000-0000-7000-8000-0000000appr1", name: "Bench Approver" };
const barcodes = Array.from({ length: TAPES }, (_, index) => `B${index.toString().padStart(5, "0")}L8`);
/** A phone's signature: a PNG of some 20 KB, base64, as bench:consignment signs with. */
const signature = signatureImage({ width: 1050, height: 480, length: 30_000 });

/** An approved consignment waiting for the queue to dispatch and then receive it. */
type Case = { id: string; barcodes: string[] };
/** Two steps of a consignment (its dispatch, then its receipt) in every two of its slots. */
const casesFor = (events: number) => Math.ceil(events / (2 * CONSIGNMENT_EVERY));

/**
 * A phone's queue: mostly moves, some hand-offs and audit scans (a label scanned again for the same audit
 * counts once, so only its first scan writes), times spread over the last week and out of order; and the
 * cases' dispatches, each received fifty events later, in the order they happened.
 */
function queuedEvents(count: number, auditId: string, cases: Case[]): SyncEvent[] {
  const now = Date.now();
  const every = (share: number) => Math.round(1 / share);
  return Array.from({ length: count }, (_, index): SyncEvent => {
    const barcode = barcodes[(index * 7919) % TAPES]!;
    const occurredAt = new Date(now - ((index * 104_729) % (7 * 86_400_000)));
    if (index % CONSIGNMENT_EVERY === CONSIGNMENT_EVERY / 2) {
      const slot = Math.floor(index / CONSIGNMENT_EVERY);
      const shipment = cases[Math.floor(slot / 2)]!;
      const dispatchedAt = new Date(now - 3_600_000 + index * 1_000);
      return slot % 2 === 0
        ? dispatchEvent(shipment.id, shipment.barcodes, { occurredAt: dispatchedAt, signature })
        : receiptEvent(shipment.id, shipment.barcodes, {
            occurredAt: new Date(dispatchedAt.getTime() + 600_000),
            signature,
          });
    }
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

/**
 * The cartridges, an open audit of a room none of them is in yet (every scan finds one misplaced), and
 * `count` approved consignments from the store to the vault, each of CASE_SIZE cartridges at the store.
 */
async function seed(db: Db, count: number) {
  const caseBarcodes = Array.from(
    { length: count * CASE_SIZE },
    (_, index) => `K${index.toString().padStart(5, "0")}L8`,
  );
  await db.backupTapeCartridge.createMany({
    data: [...barcodes, ...caseBarcodes].map((barcode) => ({
      barcode,
      mediaId: "L8",
      generation: 8,
      mediaType: "data" as const,
    })),
  });
  const tapes = await db.backupTapeCartridge.findMany({ select: { id: true, barcode: true } });
  const tapeIds = new Map(tapes.map((tape) => [tape.barcode, tape.id]));
  const site = await createSite(db, actor, siteSchema.parse({ name: "Tape room", kind: "on_site" }));
  const audit = await startAudit(db, actor, startAuditSchema.parse({ siteId: site.id }));
  const store = await createSite(db, actor, siteSchema.parse({ name: "Server room", kind: "on_site" }));
  const vault = await createSite(
    db,
    actor,
    siteSchema.parse({ name: "Iron Vault", kind: "off_site", serviceProvider: "SafeStore" }),
  );
  const occurredAt = new Date(Date.now() - 2 * 86_400_000);
  await throughService(
    db,
    caseBarcodes.map((barcode) => ({
      id: uuidv7(),
      type: "location.logged",
      occurredAt,
      payload: { barcode, kind: "on_site", siteId: store.id },
    })),
  );
  const cases: Case[] = [];
  for (let index = 0; index < count; index++) {
    const inCase = caseBarcodes.slice(index * CASE_SIZE, (index + 1) * CASE_SIZE);
    const consignment = await createConsignment(db, planner, {
      fromSiteId: store.id,
      toSiteId: vault.id,
      containerId: `CASE-${index}`,
      notes: null,
      tapeIds: inCase.map((barcode) => tapeIds.get(barcode)!),
    });
    await submitConsignment(db, planner, consignment.id);
    await approveConsignment(db, approver, consignment.id);
    cases.push({ id: consignment.id, barcodes: inCase });
  }
  // Statistics as autovacuum keeps them on a running server: without them the tables just filled are
  // planned as empty, and each batch's lock of its cartridges scans the whole table.
  await db.$executeRawUnsafe("ANALYZE");
  return { tapeIds, auditId: audit.id, cases, vault };
}

async function throughService(db: Db, events: SyncEvent[]) {
  for (const batch of batches(events)) {
    const results = await pushEvents(db, actor, { deviceId: "bench-phone", events: batch });
    const failed = results.find((result) => result.status !== "applied");
    if (failed) throw new Error(`Event not applied: ${JSON.stringify(failed)}`);
  }
}

type Seeded = Awaited<ReturnType<typeof seed>>;
type Row = Record<string, unknown>;

/**
 * The rows the service writes for the same events, as one INSERT (or UPDATE) per table per batch in one
 * transaction per batch, each table's rows passed as one JSON parameter as the service's writers pass them:
 * the receipts; a location or hand-off row and its audit entry per move or hand-off; the first scan of each
 * label for the audit; for a consignment's step, a location, a hand-off (with the signature) and their audit
 * entries per cartridge, the consignment's own entry, and the consignment and its lines updated. Nothing is
 * read, locked, checked or sealed into the audit chain.
 */
async function rawInsert(db: Db, events: SyncEvent[], seeded: Seeded, scanned: Set<string>) {
  const receivedAt = new Date();
  const recorded = {
    recordedAt: receivedAt,
    recordedById: actor.id,
    recordedByName: actor.name,
    deviceId: "bench-phone",
  };
  for (const batch of batches(events)) {
    const locations: Row[] = [];
    const handoffs: Row[] = [];
    const scans: Row[] = [];
    const audit: [string, string, string, unknown][] = [];
    // A case dispatched and received in the same batch is one row updated once, with both steps' fields.
    const consignments = new Map<string, Row>();
    const lines = new Map<string, Row>();
    const signatures: string[] = [];
    const update = (rows: Map<string, Row>, key: string, fields: Row) => rows.set(key, { ...rows.get(key), ...fields });
    const place = (row: Row, barcode: string) => {
      locations.push({ ...recorded, ...row, id: uuidv7() });
      audit.push(["location", locations.at(-1)!.id as string, "create", { barcode: { from: null, to: barcode } }]);
    };
    const handOver = (row: Row, barcode: string) => {
      handoffs.push({ ...recorded, ...row, id: uuidv7() });
      audit.push(["custody", handoffs.at(-1)!.id as string, "create", { barcode: { from: null, to: barcode } }]);
    };
    for (const event of batch) {
      const at = { occurredAt: event.occurredAt, eventId: event.id };
      if (event.type === "consignment.dispatched" || event.type === "consignment.received") {
        const dispatch = event.type === "consignment.dispatched";
        const { consignmentId, barcodes: inCase, signature: signed } = event.payload;
        // Sent once and referred to by index, as writeCustody sends a case's one signature.
        const signature = signatures.push(signed) - 1;
        for (const [index, barcode] of inCase.entries()) {
          const tapeId = seeded.tapeIds.get(barcode);
          const step = { ...at, eventId: index === 0 ? event.id : null, tapeId };
          place(
            dispatch
              ? { ...step, kind: "in_transit", custodian: "Carl Courier" }
              : {
                  ...step,
                  kind: "off_site",
                  siteId: seeded.vault.id,
                  site: "Iron Vault",
                  serviceProvider: "SafeStore",
                },
            barcode,
          );
          handOver(
            dispatch
              ? {
                  ...step,
                  fromParty: "Server room",
                  toParty: "Carl Courier",
                  signerName: "Carl Courier",
                  signature,
                }
              : {
                  ...step,
                  fromParty: "Carl Courier",
                  toParty: "Vera Vault",
                  signerName: "Vera Vault",
                  signature,
                },
            barcode,
          );
          update(lines, `${consignmentId} ${tapeId}`, {
            consignmentId,
            tapeId,
            [dispatch ? "scannedOutAt" : "scannedInAt"]: event.occurredAt,
          });
        }
        update(
          consignments,
          consignmentId,
          dispatch
            ? {
                id: consignmentId,
                state: "in_transit",
                dispatchedAt: event.occurredAt,
                dispatchSignature: signed,
                dispatchEventId: event.id,
              }
            : {
                id: consignmentId,
                state: "received",
                receivedAt: event.occurredAt,
                receiptSignature: signed,
                receiptEventId: event.id,
              },
        );
        audit.push([
          "consignment",
          consignmentId,
          dispatch ? "dispatch" : "receive",
          { state: { from: null, to: "moved" } },
        ]);
        continue;
      }
      const barcode = eventSubject(event);
      const tapeId = seeded.tapeIds.get(barcode)!;
      if (event.type === "location.logged")
        place({ ...at, tapeId, kind: "off_site", site: event.payload.site }, barcode);
      else if (event.type === "custody.recorded")
        handOver({ ...at, tapeId, fromParty: "Vault", toParty: "Courier", signerName: "Carl Courier" }, barcode);
      else if (event.type === "audit.scanned" && !scanned.has(barcode)) {
        scanned.add(barcode);
        scans.push({ ...at, auditId: event.payload.auditId, barcode, tapeId, id: uuidv7() });
      }
    }
    const json = (rows: unknown[]) => JSON.stringify(rows);
    await db.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO sync_event (id, type, device_id, user_id, occurred_at, received_at, status)
        SELECT id, type, 'bench-phone', ${actor.id}, "occurredAt", ${receivedAt}, 'applied'
        FROM jsonb_to_recordset(${json(batch)}::jsonb) AS r(id text, type text, "occurredAt" timestamp(3))`;
      await tx.$executeRaw`INSERT INTO backup_tape_location (id, tape_id, kind, site_id, site, custodian, service_provider,
          occurred_at, recorded_at, recorded_by_id, recorded_by_name, event_id, device_id)
        SELECT id, "tapeId", kind, "siteId", site, custodian, "serviceProvider", "occurredAt", "recordedAt",
          "recordedById", "recordedByName", "eventId", "deviceId"
        FROM jsonb_to_recordset(${json(locations)}::jsonb) AS r(id text, "tapeId" text, kind "LocationKind",
          "siteId" text, site text, custodian text, "serviceProvider" text, "occurredAt" timestamp(3),
          "recordedAt" timestamp(3), "recordedById" text, "recordedByName" text, "eventId" text, "deviceId" text)`;
      await tx.$executeRaw`INSERT INTO backup_tape_custody (id, tape_id, from_party, to_party, signer_name, signature,
          occurred_at, recorded_at, recorded_by_id, recorded_by_name, event_id, device_id)
        SELECT r.id, r."tapeId", r."fromParty", r."toParty", r."signerName", s.list ->> r.signature, r."occurredAt",
          r."recordedAt", r."recordedById", r."recordedByName", r."eventId", r."deviceId"
        FROM jsonb_to_recordset(${json(handoffs)}::jsonb) AS r(id text, "tapeId" text, "fromParty" text,
          "toParty" text, "signerName" text, signature int, "occurredAt" timestamp(3), "recordedAt" timestamp(3),
          "recordedById" text, "recordedByName" text, "eventId" text, "deviceId" text)
        CROSS JOIN (SELECT ${json(signatures)}::jsonb AS list) s`;
      if (scans.length > 0)
        await tx.$executeRaw`INSERT INTO backup_inventory_scan (id, audit_id, barcode, tape_id, outcome, catalogue_location,
            scanned_at, scanned_by_id, scanned_by_name, event_id, device_id)
          SELECT id, "auditId", barcode, "tapeId", 'misplaced', 'no location recorded', "occurredAt", ${actor.id},
            ${actor.name}, "eventId", 'bench-phone'
          FROM jsonb_to_recordset(${json(scans)}::jsonb) AS r(id text, "auditId" text, barcode text, "tapeId" text,
            "occurredAt" timestamp(3), "eventId" text)`;
      if (consignments.size > 0) {
        await tx.$executeRaw`UPDATE backup_consignment c SET state = r.state, updated_at = ${receivedAt},
            dispatched_at = coalesce(r."dispatchedAt", c.dispatched_at), dispatch_signature = coalesce(r."dispatchSignature", c.dispatch_signature),
            dispatch_event_id = coalesce(r."dispatchEventId", c.dispatch_event_id),
            received_at = coalesce(r."receivedAt", c.received_at), receipt_signature = coalesce(r."receiptSignature", c.receipt_signature),
            receipt_event_id = coalesce(r."receiptEventId", c.receipt_event_id)
          FROM jsonb_to_recordset(${json([...consignments.values()])}::jsonb) AS r(id text, state "ConsignmentState",
            "dispatchedAt" timestamp(3), "dispatchSignature" text, "dispatchEventId" text, "receivedAt" timestamp(3),
            "receiptSignature" text, "receiptEventId" text)
          WHERE c.id = r.id`;
        await tx.$executeRaw`UPDATE backup_consignment_tape l
            SET scanned_out_at = coalesce(r."scannedOutAt", l.scanned_out_at), scanned_in_at = coalesce(r."scannedInAt", l.scanned_in_at)
          FROM jsonb_to_recordset(${json([...lines.values()])}::jsonb) AS r("consignmentId" text, "tapeId" text,
            "scannedOutAt" timestamp(3), "scannedInAt" timestamp(3))
          WHERE l.consignment_id = r."consignmentId" AND l.tape_id = r."tapeId"`;
      }
      await tx.$executeRaw`INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_id, actor_name)
        SELECT e.row->>0, e.row->>1, e.row->>2, e.row->3, ${actor.id}, ${actor.name}
        FROM jsonb_array_elements(${json(audit)}::jsonb) WITH ORDINALITY AS e(row, n) ORDER BY e.n`;
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
    const warmCases = casesFor(MAX_BATCH);
    const seeded = await seed(db, warmCases + casesFor(count));
    const { auditId, cases } = seeded;
    const scanned = new Set<string>();
    const apply = (events: SyncEvent[]) =>
      method === "service" ? throughService(db, events) : rawInsert(db, events, seeded, scanned);
    await apply(queuedEvents(MAX_BATCH, auditId, cases.slice(0, warmCases)));
    const events = queuedEvents(count, auditId, cases.slice(warmCases));
    const before = await db.syncEvent.count({ where: { status: "applied" } });
    const start = performance.now();
    await apply(events);
    const ms = performance.now() - start;
    const applied = (await db.syncEvent.count({ where: { status: "applied" } })) - before;
    if (applied !== count) throw new Error(`${method}: expected ${count} events stored as applied, found ${applied}`);
    const received = await db.backupConsignment.count({ where: { state: "received" } });
    if (received !== cases.length)
      throw new Error(`${method}: expected ${cases.length} consignments received, found ${received}`);
    return { backend: backend.name, description, events: count, method, ms };
  } finally {
    await close();
  }
}

/** A phone pushing one event at a time: each push is one transaction, so one commit to flush. */
async function measureSinglePushes(backend: Backend, pushes: number): Promise<Latency> {
  const { db, close } = await open(backend);
  try {
    const { auditId, cases } = await seed(db, casesFor(pushes));
    await throughService(db, queuedEvents(10, auditId, []));
    const times: number[] = [];
    for (const event of queuedEvents(pushes, auditId, cases)) {
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
    `| Database | Events | Service (ms, median of ${options.BENCH_ROUNDS}) | Service (events/s) | Raw INSERT (ms, median) | Raw (events/s) | Service ÷ raw |`,
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
      const rounds: Result[] = [];
      for (let round = 1; round <= options.BENCH_ROUNDS; round++) {
        for (const method of ["service", "raw"] as const) {
          const result = await measure(backend, method, events);
          console.log(
            `${result.description}: ${method} ${count(events)} events in ${Math.round(result.ms)} ms (round ${round})`,
          );
          rounds.push(result);
        }
      }
      for (const method of ["service", "raw"] as const) {
        const times = rounds.filter((result) => result.method === method).map((result) => result.ms);
        results.push({ backend: backend.name, events, method, ms: median(times) });
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
