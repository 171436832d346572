import os from "node:os";
import { performance } from "node:perf_hooks";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { MAX_BATCH, type SyncEvent } from "../lib/sync/events";
import { MAX_SIGNATURE_CHARS } from "../lib/tapes";
import type { SyncPusher } from "../lib/users";
import { approveConsignment, createConsignment, submitConsignment } from "../server/consignments/service";
import type { Db } from "../server/db";
import { createSite } from "../server/sites/service";
import { pushEvents } from "../server/sync/service";
import { signatureImage } from "../tests/factories/signature";
import { dispatchEvent, receiptEvent } from "../tests/factories/sync-events";
import { benchDatabaseUrl, openBenchDb, type Backend } from "./databases";
import { percentile } from "./stats";

/**
 * How long a phone waits for a whole case to be applied: a consignment of 200 cartridges dispatched and
 * received, each as the one `consignment.dispatched` / `consignment.received` event a phone pushes,
 * through the sync service's real apply path (every cartridge logged and handed over, one audit entry).
 * Each run plans a fresh consignment (create, submit, approve) so no run finds another's rows warm.
 *   npm run bench:consignment                                                        embedded PGlite
 *   BENCH_DATABASE_URL=postgres://user@host:port/postgres npm run bench:consignment   PGlite, then PostgreSQL
 * Figures go to docs/PERFORMANCE.md, section "Consignments".
 */
const options = z
  .object({
    BENCH_DATABASE_URL: benchDatabaseUrl,
    BENCH_CARTRIDGES: z.coerce.number().int().min(1).max(1000).default(200),
    BENCH_RUNS: z.coerce.number().int().min(3).default(10),
    /** A phone's signature is a PNG of some 20 KB (a pad of 160 CSS pixels at a pixel ratio of 3), base64. */
    BENCH_SIGNATURE_CHARS: z.coerce.number().int().min(1000).max(MAX_SIGNATURE_CHARS).default(30_000),
  })
  .parse(process.env);

const planner = { id: "0190a000-0000-7000-8000-0000000plan1", name: "Bench Planner" };
const approver = { id: "0190a000-0000-7000-8000-0000000appr1", name: "Bench Approver" };
const courier: SyncPusher = {
  id: "0190a000-0000-7000-8000-0000000cour1",
  name: "Bench Courier",
  role: "courier",
  backupAccess: "write",
  approver: false,
};
const custodian: SyncPusher = {
  id: "0190a000-0000-7000-8000-0000000cust1",
  name: "Bench Custodian",
  role: "custodian",
  backupAccess: "write",
  approver: false,
};

const signature = signatureImage({ width: 1050, height: 480, length: options.BENCH_SIGNATURE_CHARS });
/** The event as a phone sends it, signed with a signature of a real one's size. */
const signed = (event: SyncEvent): SyncEvent =>
  event.type === "consignment.dispatched" || event.type === "consignment.received"
    ? ({ ...event, payload: { ...event.payload, signature } } as SyncEvent)
    : event;

type Sites = { store: { id: string }; vault: { id: string } };
type Timings = { create: number; dispatch: number; receipt: number };

async function push(db: Db, actor: SyncPusher, events: SyncEvent[]) {
  for (let start = 0; start < events.length; start += MAX_BATCH) {
    const results = await pushEvents(db, actor, {
      deviceId: "bench-phone",
      events: events.slice(start, start + MAX_BATCH),
    });
    const failed = results.find((result) => result.status !== "applied");
    if (failed) throw new Error(`Event not applied: ${JSON.stringify(failed)}`);
  }
}

/** `count` new cartridges, logged at the store as a phone logs them, so a consignment may list them. */
async function cartridgesAtStore(db: Db, sites: Sites, run: number, count: number) {
  const barcodes = Array.from(
    { length: count },
    (_, index) => `C${run.toString().padStart(2, "0")}${index.toString().padStart(3, "0")}L8`,
  );
  await db.backupTapeCartridge.createMany({
    data: barcodes.map((barcode) => ({ barcode, mediaId: "L8", generation: 8, mediaType: "data" as const })),
  });
  const occurredAt = new Date(Date.now() - 86_400_000);
  await push(
    db,
    courier,
    barcodes.map((barcode) => ({
      id: uuidv7(),
      type: "location.logged",
      occurredAt,
      payload: { barcode, kind: "on_site", siteId: sites.store.id },
    })),
  );
  const tapes = await db.backupTapeCartridge.findMany({ where: { barcode: { in: barcodes } }, select: { id: true } });
  return { barcodes, tapeIds: tapes.map((tape) => tape.id) };
}

/** One consignment from plan to receipt; the dispatch and the receipt are each one push of one event. */
async function oneRun(db: Db, sites: Sites, run: number): Promise<Timings> {
  const { barcodes, tapeIds } = await cartridgesAtStore(db, sites, run, options.BENCH_CARTRIDGES);
  let start = performance.now();
  const consignment = await createConsignment(db, planner, {
    fromSiteId: sites.store.id,
    toSiteId: sites.vault.id,
    containerId: `CASE-${run}`,
    notes: null,
    tapeIds,
  });
  const create = performance.now() - start;
  await submitConsignment(db, planner, consignment.id);
  await approveConsignment(db, approver, consignment.id);

  // Received minutes after dispatch, as phones report them; the last cartridge went missing on the way.
  const dispatchedAt = new Date(Date.now() - 600_000);
  start = performance.now();
  await push(db, courier, [signed(dispatchEvent(consignment.id, barcodes, { occurredAt: dispatchedAt }))]);
  const dispatch = performance.now() - start;
  start = performance.now();
  await push(db, custodian, [signed(receiptEvent(consignment.id, barcodes.slice(0, -1), { occurredAt: new Date() }))]);
  const receipt = performance.now() - start;

  const after = await db.backupConsignment.findUniqueOrThrow({ where: { id: consignment.id } });
  if (after.state !== "received_with_discrepancies") throw new Error(`Run ${run} ended ${after.state}`);
  return { create, dispatch, receipt };
}

async function measure(backend: Backend) {
  const { db, description, close } = await openBenchDb(backend, "consignment");
  try {
    const sites: Sites = {
      store: await createSite(db, planner, {
        name: "Server room",
        kind: "on_site",
        address: null,
        serviceProvider: null,
        defaultCustodian: null,
      }),
      vault: await createSite(db, planner, {
        name: "Iron Vault",
        kind: "off_site",
        address: null,
        serviceProvider: "SafeStore",
        defaultCustodian: "Vera Vault",
      }),
    };
    // A warm-up run opens connections and compiles the queries; it is not counted.
    await oneRun(db, sites, 0);
    const runs: Timings[] = [];
    for (let run = 1; run <= options.BENCH_RUNS; run++) runs.push(await oneRun(db, sites, run));
    const rows = (["create", "dispatch", "receipt"] as const).map((step) => {
      const sorted = runs.map((timing) => timing[step]).sort((a, b) => a - b);
      return { step, p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
    });
    return { backend: backend.name, description, rows };
  } finally {
    await close();
  }
}

const STEP_LABEL = {
  create: "Create (the service, one transaction)",
  dispatch: "Dispatch: one `consignment.dispatched` push",
  receipt: "Receipt: one `consignment.received` push",
};

async function main() {
  const backends: Backend[] = [
    { name: "PGlite (fsync on, as the app opens it)", durable: true },
    ...(options.BENCH_DATABASE_URL ? [{ name: "PostgreSQL", serverUrl: options.BENCH_DATABASE_URL }] : []),
  ];
  const loadBefore = os.loadavg()[0]!;
  const results = [];
  for (const backend of backends) {
    const result = await measure(backend);
    console.log(`${result.description}: ${options.BENCH_RUNS} runs of ${options.BENCH_CARTRIDGES} cartridges`);
    results.push(result);
  }
  console.log(
    `\nLoad average (1 min) before: ${loadBefore.toFixed(1)}, after: ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores\n`,
  );
  console.log(`Signature: ${signature.length.toLocaleString("en")} characters\n`);
  console.log(`| Database | Step (${options.BENCH_CARTRIDGES} cartridges) | p50 (ms) | p95 (ms) |`);
  console.log("| --- | --- | ---: | ---: |");
  for (const result of results)
    for (const row of result.rows)
      console.log(`| ${result.backend} | ${STEP_LABEL[row.step]} | ${Math.round(row.p50)} | ${Math.round(row.p95)} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
