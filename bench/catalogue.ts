import os from "node:os";
import { performance } from "node:perf_hooks";
import { z } from "zod";
import { listJobsSchema, type ListJobsOptions } from "../lib/jobs";
import { tapeListSchema, type TapeListInput } from "../lib/tapes";
import type { Db } from "../server/db";
import { listJobs } from "../server/jobs/service";
import { refreshRotationEntries } from "../server/rotation/entries";
import { listRotation, rotationOverview, rotationParams } from "../server/rotation/service";
import { catalogueSummary, findTapeByBarcode, listTapes } from "../server/tapes/service";
import { freshDatabase, migrate } from "./catalogue/database";
import { markdownTable, measure, sizesTable, type Timing } from "./catalogue/measure";
import { catalogueSize, seedSteps } from "./catalogue/seed";

/**
 * The overview page's queries and the barcode lookup, against a fresh database holding a catalogue of the
 * intended size (100,000 cartridges, 200,000 jobs, 1,000,000 location and custody events).
 *   npm run bench:catalogue                                          embedded PGlite in a temp directory
 *   BENCH_DATABASE_URL=postgres://user@host:port/postgres npm run bench:catalogue   PostgreSQL (a new database on it)
 * BENCH_SCALE=0.1 seeds a tenth of it; BENCH_SCALE=0.1,1 measures both sizes, each on a database of its own,
 * and prints them side by side (is a query's cost flat in the catalogue's size?). BENCH_RUNS sets the timed
 * runs per query (at least 50),
 * BENCH_ONLY=<regular expression> times only the queries whose name matches ('otation|next move|expiring':
 * the rotation lists and the cartridge table's orders and filters on them), BENCH_KEEP=1 leaves the
 * database in place to look at query plans.
 */
const options = z
  .object({
    BENCH_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional(),
    BENCH_SCALE: z
      .string()
      .default("1")
      .transform((value) => value.split(",").map(Number))
      .pipe(z.array(z.number().positive().max(10)).min(1)),
    BENCH_RUNS: z.coerce.number().int().min(50).default(100),
    BENCH_ONLY: z
      .string()
      .default("")
      .transform((pattern) => new RegExp(pattern)),
    BENCH_KEEP: z.enum(["0", "1"]).default("0"),
  })
  .parse(process.env);

const WARMUP = 10;
/** Other processes competing for the CPU inflate every figure; the load average says how much there was. */
const load = () => `${os.loadavg()[0]!.toFixed(1)} (1 min) on ${os.cpus().length} cores`;
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString("en");

/**
 * The cursor after `rows` rows, reached the way a reader does: following nextCursor, with big pages to get
 * there quickly. The cursor does not depend on the page size, so the measured page can be smaller.
 */
async function cursorAfter(
  rows: number,
  pageSize: number,
  page: (cursor: string | undefined) => Promise<{ nextCursor: string | null }>,
) {
  let cursor: string | undefined;
  for (let seen = 0; seen < rows; seen += pageSize) cursor = (await page(cursor)).nextCursor ?? undefined;
  return cursor;
}

async function measureAll(db: Db, tapes: number, jobs: number): Promise<Timing[]> {
  const tapePage = (input: TapeListInput) => listTapes(db, tapeListSchema.parse(input));
  const jobPage = (input: Partial<ListJobsOptions>) => listJobs(db, listJobsSchema.parse(input));
  // The tables' own first pages: 25 cartridges by barcode, jobs newest first with the schema's page size.
  const tapeDefaults = { limit: 25 } satisfies TapeListInput;
  const jobDefaults = {} satisfies Partial<ListJobsOptions>;

  const barcodes = (
    await db.$queryRaw<{ barcode: string }[]>`SELECT barcode FROM backup_tape_cartridge ORDER BY random() LIMIT 500`
  ).map((row) => row.barcode);
  const deepTapes = Math.floor(tapes / 2);
  const deepJobs = Math.floor(jobs / 4);
  const tapeCursor = await cursorAfter(deepTapes, 200, (cursor) => tapePage({ cursor, limit: 200 }));
  const jobCursor = await cursorAfter(deepJobs, 500, (cursor) => jobPage({ cursor, limit: 500 }));
  const sendPage = (cursor?: string, limit = 25) => listRotation(db, { list: "send", cursor, limit });
  const deepSend = Math.floor((await sendPage()).total / 2);
  const sendCursor = await cursorAfter(deepSend, 200, (cursor) => sendPage(cursor, 200));

  const cases: [string, (run: number) => Promise<unknown>][] = [
    ["catalogueSummary: overview metrics and charts", () => catalogueSummary(db)],
    ["listTapes: first page (25 by barcode)", () => tapePage(tapeDefaults)],
    [`listTapes: page after ${count(deepTapes)} cartridges`, () => tapePage({ ...tapeDefaults, cursor: tapeCursor })],
    ["listTapes: status full", () => tapePage({ ...tapeDefaults, status: "full" })],
    ["listTapes: currently off site", () => tapePage({ ...tapeDefaults, locationKind: "off_site" })],
    ["listTapes: tag weekly", () => tapePage({ ...tapeDefaults, tag: "weekly" })],
    ["listTapes: newest registered first", () => tapePage({ ...tapeDefaults, sort: "createdAt", direction: "desc" })],
    [
      "listTapes: LTO-9, newest change first",
      () => tapePage({ ...tapeDefaults, generation: 9, sort: "updatedAt", direction: "desc" }),
    ],
    ['listTapes: search "0421" (part of a label)', () => tapePage({ ...tapeDefaults, search: "0421" })],
    ["listTapes: search with no match", () => tapePage({ ...tapeDefaults, search: "ZZ9" })],
    ["listJobs: first page (newest first)", () => jobPage(jobDefaults)],
    [`listJobs: page after ${count(deepJobs)} jobs`, () => jobPage({ ...jobDefaults, cursor: jobCursor })],
    ["listJobs: by name", () => jobPage({ ...jobDefaults, sort: "name", direction: "asc" })],
    ['listJobs: search "srv-42"', () => jobPage({ ...jobDefaults, search: "srv-42" })],
    ["listJobs: search with no match", () => jobPage({ ...jobDefaults, search: "no such job" })],
    ["findTapeByBarcode: a registered label", (run) => findTapeByBarcode(db, barcodes[run % barcodes.length]!)],
    ["listRotation: to send off site, first page with counts", () => sendPage()],
    [`listRotation: to send off site, page after ${count(deepSend)} cartridges`, () => sendPage(sendCursor)],
    ["listRotation: to bring back, first page with counts", () => listRotation(db, { list: "bring_back", limit: 25 })],
    [
      "listRotation: to bring back, overdue only",
      () => listRotation(db, { list: "bring_back", overdue: true, limit: 25 }),
    ],
    ["rotationOverview: both lists, 5 rows each", () => rotationOverview(db, 5)],
    ["listTapes: next move soonest first", () => tapePage({ ...tapeDefaults, sort: "nextMove" })],
    [
      "listTapes: data expiring within 30 days, soonest first",
      () => tapePage({ ...tapeDefaults, dataExpiresWithin: 30, sort: "dataExpiry" }),
    ],
  ];

  const timings: Timing[] = [];
  for (const [name, call] of cases.filter(([name]) => options.BENCH_ONLY.test(name))) {
    const timing = await measure(name, call, { warmup: WARMUP, runs: options.BENCH_RUNS });
    console.log(`  ${name}: p50 ${timing.p50.toFixed(2)} ms, p95 ${timing.p95.toFixed(2)} ms`);
    timings.push(timing);
  }
  return timings;
}

/** One catalogue of `scale` × the full size, seeded on a fresh database, every query measured on it. */
async function measureScale(scale: number): Promise<Timing[]> {
  const size = catalogueSize(scale);
  const database = await freshDatabase(options.BENCH_DATABASE_URL);
  console.log(`\nDatabase: ${database.description}`);
  try {
    let started = performance.now();
    await migrate(database);
    console.log(`Migrated in ${seconds(started)}`);

    const seeding = performance.now();
    for (const step of seedSteps(size)) {
      started = performance.now();
      await database.exec(step.sql);
      console.log(`  ${step.name}: ${count(step.rows)} rows in ${seconds(started)}`);
    }
    const db = await database.openApp();
    started = performance.now();
    // A running server's rotation entries: written by the first read of a list after a change.
    const { refreshed } = await refreshRotationEntries(db, await rotationParams(db));
    console.log(`  rotation entries: ${count(refreshed)} rows in ${seconds(started)}`);
    started = performance.now();
    // Statistics and the visibility map as autovacuum would leave them on a server that has been running.
    await db.$executeRawUnsafe("VACUUM ANALYZE");
    console.log(`  VACUUM ANALYZE in ${seconds(started)}`);
    console.log(`Seeded in ${seconds(seeding)}`);

    const [{ size: bytes }] = await db.$queryRaw<
      [{ size: string }]
    >`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`;
    console.log(
      `Database size: ${bytes}\nMeasuring (${WARMUP} warm-up runs, then ${options.BENCH_RUNS} timed runs each)…`,
    );
    console.log(`Load average before measuring: ${load()}`);
    const timings = await measureAll(db, size.tapes, size.jobs);
    console.log(`Load average after measuring: ${load()}\n\n${markdownTable(timings)}`);
    return timings;
  } finally {
    await database.close(options.BENCH_KEEP === "1");
  }
}

async function main() {
  console.log(
    `Machine: ${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}`,
  );
  const sizes = [];
  for (const scale of options.BENCH_SCALE) {
    sizes.push({ cartridges: catalogueSize(scale).tapes, timings: await measureScale(scale) });
  }
  if (sizes.length > 1) console.log(`\n${sizesTable(sizes)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
