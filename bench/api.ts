import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import autocannon from "autocannon";
import pg from "pg";
import superjson from "superjson";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { PrismaClient } from "../generated/prisma/client";
import type { EventResult, SyncEvent } from "../lib/sync/events";
import { LOCATION_KINDS } from "../lib/vocabulary";
import { createAuth, type Auth } from "../server/auth/auth";
import { ViewerCache } from "../server/auth/viewer-cache";
import { createDb, type Db } from "../server/db";
import { parseEnv, serverProcesses } from "../server/env";
import { createAdapterFactory } from "../server/db/adapter";
import { appRouter } from "../server/root";
import { getOrCreateSetting, randomSecret } from "../server/settings/service";
import type { SyncPusher } from "../lib/users";
import { pushEvents } from "../server/sync/service";
import { findTapeByBarcode } from "../server/tapes/service";
import { createContext, loadViewer } from "../server/trpc";
import { createScratchDatabase, migrationSql } from "../tests/helpers/database";
import { canSample, postmasterOf, startCpuSampling, waitForIdle, type CpuShare } from "./api/cpu";
import { callProcedure, freePort, serverUrlOption, signIn, startServer, type Server } from "./app-server";
import { catalogueSize, seedSteps } from "./catalogue/seed";
import { percentile } from "./stats";

/**
 * HTTP load on the production server: the barcode lookup (`tapes.byBarcode`) and a 50-event `sync.push`,
 * sent by autocannon with a courier's session to the built app, served by its own scripts/serve.ts (what
 * `npm start` runs, NODE_ENV=production; one process per core unless WEB_CONCURRENCY says otherwise,
 * which the server started here inherits); next to each, the service function the procedure calls, run
 * straight through Prisma in this process with the same concurrency. The ratio is what HTTP, Next.js,
 * tRPC and the session check cost. Then single requests taken apart, with the CPU each process spends.
 *   npm run build                                        (once: the benchmark serves .next as it is)
 *   BENCH_DATABASE_URL=postgres://user@host:port/postgres npm run bench:api
 *   BENCH_DATABASE_URL=… npm run bench:api -- --duration 10 --connections 10,100   (flags override variables)
 * It needs PostgreSQL: a PGlite directory is opened by one process at a time, and here the server and the
 * benchmark both open the database. A new database (100,000 cartridges, 5 locations each) is created on
 * that server and dropped afterwards.
 *   BENCH_DURATION   seconds per measured run (15), after BENCH_WARMUP seconds of warm-up (3)
 *   BENCH_CONNECTIONS  concurrent connections or callers (10,100)
 *   BENCH_OPERATIONS   lookup,push
 *   BENCH_EVENTS     events per push (50)
 *   BENCH_TIMEOUT    seconds before a request counts as failed (30; the app's own client waits without limit)
 *   BENCH_SCALE      fraction of the 100,000 cartridges (1); BENCH_PORT the server's port (a free one)
 *   BENCH_KEEP=1     keeps the database
 * Figures go to docs/PERFORMANCE.md, section "API load".
 */
const FLAGS = {
  duration: "BENCH_DURATION",
  warmup: "BENCH_WARMUP",
  connections: "BENCH_CONNECTIONS",
  events: "BENCH_EVENTS",
  operations: "BENCH_OPERATIONS",
  scale: "BENCH_SCALE",
  port: "BENCH_PORT",
  timeout: "BENCH_TIMEOUT",
} as const;
const { values: flags } = parseArgs({
  options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: "string" }])) as Record<
    keyof typeof FLAGS,
    { type: "string" }
  >,
});
const options = z
  .object({
    BENCH_DATABASE_URL: serverUrlOption,
    BENCH_DURATION: z.coerce.number().int().min(1).default(15),
    BENCH_WARMUP: z.coerce.number().int().min(0).default(3),
    BENCH_CONNECTIONS: z
      .string()
      .default("10,100")
      .transform((value) => value.split(",").map(Number))
      .pipe(z.array(z.number().int().min(1).max(1000)).min(1)),
    BENCH_EVENTS: z.coerce.number().int().min(1).max(100).default(50),
    BENCH_OPERATIONS: z
      .string()
      .default("lookup,push")
      .transform((value) => value.split(","))
      .pipe(z.array(z.enum(["lookup", "push"])).min(1)),
    BENCH_SCALE: z.coerce.number().positive().max(10).default(1),
    BENCH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
    BENCH_TIMEOUT: z.coerce.number().int().min(1).default(30),
    BENCH_KEEP: z.enum(["0", "1"]).default("0"),
  })
  .parse({
    ...process.env,
    ...Object.fromEntries(Object.entries(flags).map(([flag, value]) => [FLAGS[flag as keyof typeof FLAGS], value])),
  });

const root = path.resolve(__dirname, "..");
const ADMIN = { name: "Bench Admin", email: "bench-admin@example.test", password: "Bench-password-2026" };
const COURIER = { name: "Bench Courier", email: "bench-courier@example.test", password: "Courier-password-2026" };
/** Timed one at a time on one connection, for where the time of a single request goes. */
const SEQUENTIAL = { lookup: 400, push: 60 };

const count = (n: number) => Math.round(n).toLocaleString("en");
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const load = () => os.loadavg()[0]!.toFixed(1);
const pick = <T>(items: readonly T[]) => items[Math.floor(Math.random() * items.length)]!;

// ---------------------------------------------------------------- database and server

/** The benchmark's own database on the server; kept on request, for a look at what the runs left. */
async function createDatabase(serverUrl: string) {
  const database = await createScratchDatabase(serverUrl, "bm_bench_api");
  return {
    ...database,
    async drop(keep: boolean) {
      if (keep) console.log(`Kept the database: DATABASE_URL=${database.url}`);
      // The server is stopped by now; FORCE ends any connection a pool still holds.
      else await database.drop();
    },
  };
}

/**
 * The project's migrations, then cartridges with their location history written by the catalogue
 * benchmark's set-based SQL.
 */
async function migrateAndSeed(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const migration of migrationSql()) await client.query(migration.sql);
    const size = catalogueSize(options.BENCH_SCALE);
    for (const step of seedSteps(size).filter(
      (step) => step.name === "tape cartridges" || step.name.startsWith("locations"),
    )) {
      const started = performance.now();
      await client.query(step.sql);
      console.log(`  ${step.name}: ${count(step.rows)} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    // Statistics and the visibility map as autovacuum would leave them on a server that has been running.
    await client.query("VACUUM ANALYZE");
    // The postmaster's tree holds every backend; it is only visible when the server runs on this machine.
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return { tapes: size.tapes, databaseRoot: postmasterOf(rows[0]!.pid) };
  } finally {
    await client.end();
  }
}

/**
 * The first administrator through the setup procedure (allowed without a code from this machine), who adds
 * a courier, the user phones sign in as; the load runs with the courier's session. Sign-in is rate-limited
 * (5 a minute per address): two are all a run needs.
 */
async function signInCourier(base: string): Promise<{ cookie: string; userId: string }> {
  await callProcedure(base, "setup.createFirstAdmin", ADMIN);
  const adminCookie = await signIn(base, ADMIN);
  const courier = (await callProcedure(base, "access.createUser", { ...COURIER, role: "courier" }, adminCookie)) as {
    id: string;
  };
  return { cookie: await signIn(base, COURIER), userId: courier.id };
}

// ---------------------------------------------------------------- the two operations

/** What the app's client (httpBatchLink) sends for one call: `?batch=1`, inputs keyed by position. */
const lookupPath = (barcode: string) =>
  `/api/trpc/tapes.byBarcode?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: superjson.serialize({ barcode }) }))}`;
const PUSH_PATH = "/api/trpc/sync.push?batch=1";

type BatchAnswer = [{ result?: { data: unknown }; error?: unknown }];
function batchResult<T>(body: string): T | undefined {
  const [answer] = JSON.parse(body) as BatchAnswer;
  return answer?.result ? (superjson.deserialize(answer.result.data as never) as T) : undefined;
}

function locationEvents(barcodes: string[], count: number): SyncEvent[] {
  const now = Date.now();
  return Array.from({ length: count }, (): SyncEvent => {
    const kind = pick(LOCATION_KINDS);
    return {
      id: uuidv7(),
      type: "location.logged",
      // Times spread over the last week and out of order, as phones that were offline push them.
      occurredAt: new Date(now - Math.floor(Math.random() * 7 * 86_400_000)),
      payload: {
        barcode: pick(barcodes),
        kind,
        site: kind === "in_transit" ? undefined : `Vault ${Math.floor(Math.random() * 40)}`,
      },
    };
  });
}

const pushBody = (deviceId: string, events: SyncEvent[]) =>
  JSON.stringify({ 0: superjson.serialize({ deviceId, events }) });
/**
 * Events the server said it applied, to compare with what the database holds afterwards. A push still in
 * flight when autocannon stops is applied without its answer being read: up to one per connection.
 */
const acknowledged = { events: 0, unread: 0 };
function allApplied(results: EventResult[] | undefined, events: number) {
  const ok = results?.length === events && results.every((result) => result.status === "applied");
  if (ok) acknowledged.events += events;
  return ok;
}

type Operation = "lookup" | "push";
type Run = {
  operation: Operation;
  path: "HTTP" | "direct";
  connections: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
  failures: string[];
  cpu: CpuShare | null;
  load: string;
};

type Fixture = { barcodes: string[]; cookie: string; actor: SyncPusher; server: Server; databaseRoot: number | null };

/** Every failure counts: a run with any is reported as such, not as a result. */
class Failures {
  /** Answers that came back but were wrong: an error status, a wrong cartridge, events not applied. */
  wrong = 0;
  readonly examples = new Set<string>();
  add(what: string) {
    this.wrong++;
    this.note(what);
  }
  note(what: string) {
    if (this.examples.size < 5) this.examples.add(what.slice(0, 200));
  }
}

async function httpRun(
  fixture: Fixture,
  operation: Operation,
  connections: number,
  seconds: number,
  measured: boolean,
): Promise<Run> {
  const failures = new Failures();
  const request: autocannon.Request =
    operation === "lookup"
      ? {
          method: "GET",
          setupRequest(req, context) {
            const barcode = pick(fixture.barcodes);
            (context as { barcode?: string }).barcode = barcode;
            req.path = lookupPath(barcode);
            return req;
          },
          onResponse(status, body, context) {
            if (status !== 200) return failures.add(`HTTP ${status}: ${body}`);
            const tape = batchResult<{ barcode: string } | null>(body);
            if (tape?.barcode !== (context as { barcode?: string }).barcode) failures.add(`wrong answer: ${body}`);
          },
        }
      : {
          method: "POST",
          path: PUSH_PATH,
          setupRequest(req, context) {
            const device = ((context as { device?: string }).device ??=
              `bench-phone-${randomBytes(3).toString("hex")}`);
            req.body = pushBody(device, locationEvents(fixture.barcodes, options.BENCH_EVENTS));
            return req;
          },
          onResponse(status, body) {
            if (status !== 200) return failures.add(`HTTP ${status}: ${body}`);
            if (!allApplied(batchResult<EventResult[]>(body), options.BENCH_EVENTS))
              failures.add(`not all applied: ${body}`);
          },
        };
  const stopCpu =
    measured && canSample() ? startCpuSampling({ server: fixture.server.pid, database: fixture.databaseRoot }) : null;
  if (operation === "push") acknowledged.unread += connections * options.BENCH_EVENTS;
  const started = performance.now();
  const result = await autocannon({
    url: fixture.server.base,
    connections,
    duration: seconds,
    timeout: options.BENCH_TIMEOUT,
    // A page's fetch sends its Origin with a POST, and the app refuses writes from other origins.
    headers: {
      cookie: fixture.cookie,
      "content-type": "application/json",
      ...(operation === "push" && { origin: fixture.server.base }),
    },
    requests: [request],
  });
  const elapsed = (performance.now() - started) / 1000;
  const cpu = stopCpu?.() ?? null;
  // autocannon counts refused connections, resets and timeouts (part of its errors) apart from the responses.
  if (result.errors > 0) failures.note(`${result.errors} connection errors, of which ${result.timeouts} timeouts`);
  const wrongButOk = Math.max(0, failures.wrong - result.non2xx);
  const failed = result.non2xx + wrongButOk + result.errors;
  return {
    operation,
    path: "HTTP",
    connections,
    requests: result["2xx"],
    perSecond: (result["2xx"] - wrongButOk) / elapsed,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed,
    failures: [...failures.examples],
    cpu,
    load: load(),
  };
}

/** The service function the procedure calls, from `connections` callers at once, each calling again as soon as it gets its answer. */
async function directRun(
  db: Db,
  fixture: Fixture,
  operation: Operation,
  connections: number,
  seconds: number,
  measured: boolean,
): Promise<Run> {
  const failures = new Failures();
  const call =
    operation === "lookup"
      ? async () => {
          const barcode = pick(fixture.barcodes);
          const tape = await findTapeByBarcode(db, barcode);
          if (tape?.barcode !== barcode) failures.add(`wrong answer for ${barcode}`);
        }
      : async () => {
          const results = await pushEvents(db, fixture.actor, {
            deviceId: "bench-direct",
            events: locationEvents(fixture.barcodes, options.BENCH_EVENTS),
          });
          if (!allApplied(results, options.BENCH_EVENTS))
            failures.add(`not all applied: ${JSON.stringify(results).slice(0, 200)}`);
        };
  const latencies: number[] = [];
  const stopCpu =
    measured && canSample() ? startCpuSampling({ server: fixture.server.pid, database: fixture.databaseRoot }) : null;
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        // Each call starts in a task of its own, as requests arriving on separate sockets do. Prisma merges
        // findUnique calls made in the same tick into one query, and callers that all get their answers
        // from one merged query would otherwise call again together and stay merged.
        await new Promise((resolve) => setImmediate(resolve));
        const sent = performance.now();
        try {
          await call();
        } catch (error) {
          failures.add(String(error));
        }
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = stopCpu?.() ?? null;
  latencies.sort((a, b) => a - b);
  return {
    operation,
    path: "direct",
    connections,
    requests: latencies.length,
    perSecond: (latencies.length - failures.wrong) / elapsed,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    failed: failures.wrong,
    failures: [...failures.examples],
    cpu,
    load: load(),
  };
}

// ---------------------------------------------------------------- one request at a time, in parts

type Step = {
  operation: Operation;
  step: string;
  p50: number;
  cpu: CpuShare | null;
  runs: number;
  queries: number | null;
};

/**
 * Times `runs` calls one after another (after a tenth as many to warm connections and compiled queries),
 * with the CPU each side spent on them.
 */
async function timed(fixture: Fixture, runs: number, call: () => Promise<unknown>) {
  const warmup = Math.ceil(runs / 10);
  for (let run = 0; run < warmup; run++) await call();
  const times: number[] = [];
  const stopCpu = canSample() ? startCpuSampling({ server: fixture.server.pid, database: fixture.databaseRoot }) : null;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  const cpu = stopCpu?.() ?? null;
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), cpu, runs };
}

/** A Prisma client on the app's adapter that counts the statements it sends. */
function countingDb(url: string) {
  const db = new PrismaClient({
    adapter: createAdapterFactory({ kind: "postgres", url }),
    log: [{ emit: "event", level: "query" }],
  });
  const counter = { statements: 0 };
  db.$on("query", () => void counter.statements++);
  return {
    db,
    async statementsOf(call: (db: Db) => Promise<unknown>, runs = 20) {
      await call(db);
      counter.statements = 0;
      for (let run = 0; run < runs; run++) await call(db);
      return counter.statements / runs;
    },
  };
}

/**
 * One request at a time: the service alone, the session check, the whole tRPC handler in this process
 * (the route's own code without Next.js and HTTP), and the real server over HTTP. The differences say where
 * a request's time goes; the CPU per call says which process spends it, and the statement counts how many
 * database round trips each part makes.
 */
async function breakdown(db: Db, secret: string, url: string, fixture: Fixture, userId: string): Promise<Step[]> {
  // The server's own base URL: a direct getSession call has no request to take it from.
  const auth = createAuth(db, { secret, baseURL: fixture.server.base });
  const counting = countingDb(url);
  const countingAuth = createAuth(counting.db, { secret, baseURL: fixture.server.base });
  const headers = new Headers({ cookie: fixture.cookie, "x-forwarded-for": "127.0.0.1" });
  const handle = (request: Request, on: { db: Db; auth: Auth; viewers?: ViewerCache }) =>
    fetchRequestHandler({
      endpoint: "/api/trpc",
      req: request,
      router: appRouter,
      createContext: () => createContext({ db: on.db, auth: on.auth, headers: request.headers, viewers: on.viewers }),
    }).then(async (response) => {
      if (!response.ok) throw new Error(`tRPC answered ${response.status}: ${await response.text()}`);
      return response.text();
    });
  const lookupRequest = () => new Request(`${fixture.server.base}${lookupPath(pick(fixture.barcodes))}`, { headers });
  const pushRequest = () =>
    new Request(`${fixture.server.base}${PUSH_PATH}`, {
      method: "POST",
      headers: { cookie: fixture.cookie, "content-type": "application/json" },
      body: pushBody("bench-breakdown", locationEvents(fixture.barcodes, options.BENCH_EVENTS)),
    });
  const push = (on: Db) =>
    pushEvents(on, fixture.actor, {
      deviceId: "bench-breakdown",
      events: locationEvents(fixture.barcodes, options.BENCH_EVENTS),
    });
  const overHttp = async (operation: Operation) => {
    const response =
      operation === "lookup"
        ? await fetch(`${fixture.server.base}${lookupPath(pick(fixture.barcodes))}`, {
            headers: { cookie: fixture.cookie },
          })
        : await fetch(`${fixture.server.base}${PUSH_PATH}`, {
            method: "POST",
            headers: { cookie: fixture.cookie, "content-type": "application/json", origin: fixture.server.base },
            body: pushBody("bench-breakdown", locationEvents(fixture.barcodes, options.BENCH_EVENTS)),
          });
    const body = await response.text();
    if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`);
  };

  /** Requests that do less than a lookup: what the server costs before the app's own work. */
  const expect = async (path: string, status: number) => {
    const response = await fetch(`${fixture.server.base}${path}`);
    await response.arrayBuffer();
    if (response.status !== status) throw new Error(`${path} answered ${response.status}, expected ${status}`);
  };

  const steps: Step[] = [];
  const add = async (
    operation: Operation,
    step: string,
    call: () => Promise<unknown>,
    statements: ((on: Db) => Promise<unknown>) | null,
  ) => {
    const time = await timed(fixture, SEQUENTIAL[operation], call);
    steps.push({ operation, step, ...time, queries: statements ? await counting.statementsOf(statements) : null });
  };
  await add(
    "lookup",
    "service (findTapeByBarcode)",
    () => findTapeByBarcode(db, pick(fixture.barcodes)),
    (on) => findTapeByBarcode(on, pick(fixture.barcodes)),
  );
  await add(
    "lookup",
    "session (auth.api.getSession)",
    () => auth.api.getSession({ headers }),
    () => countingAuth.api.getSession({ headers }),
  );
  await add(
    "lookup",
    "viewer (loadViewer)",
    () => loadViewer(db, userId),
    (on) => loadViewer(on, userId),
  );
  await add(
    "lookup",
    "tRPC handler, in this process, session checked",
    () => handle(lookupRequest(), { db, auth }),
    (on) => handle(lookupRequest(), { db: on, auth: countingAuth }),
  );
  // As the server answers queries: the session checked once, then remembered (ViewerCache).
  const viewers = { here: new ViewerCache(), counting: new ViewerCache() };
  await add(
    "lookup",
    "tRPC handler, in this process, session remembered",
    () => handle(lookupRequest(), { db, auth, viewers: viewers.here }),
    (on) => handle(lookupRequest(), { db: on, auth: countingAuth, viewers: viewers.counting }),
  );
  await add("lookup", "HTTP: a static file (/icon.svg)", () => expect("/icon.svg", 200), null);
  await add(
    "lookup",
    "HTTP: lookup without a session (401)",
    () => expect(lookupPath(pick(fixture.barcodes)), 401),
    null,
  );
  await add("lookup", "HTTP: signed-in lookup", () => overHttp("lookup"), null);
  await add(
    "push",
    `service (pushEvents, ${options.BENCH_EVENTS} events)`,
    () => push(db),
    (on) => push(on),
  );
  await add(
    "push",
    "tRPC handler, in this process",
    () => handle(pushRequest(), { db, auth }),
    (on) => handle(pushRequest(), { db: on, auth: countingAuth }),
  );
  await add("push", "HTTP: signed-in push", () => overHttp("push"), null);
  await counting.db.$disconnect();
  return steps;
}

// ---------------------------------------------------------------- report

function resultsTable(runs: Run[]) {
  const lines = [
    "| Operation | Connections | HTTP req/s | HTTP p50 ms | HTTP p99 ms | Direct req/s | Direct p50 ms | Direct p99 ms | Direct ÷ HTTP | Failed (HTTP / direct) |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const http of runs.filter((run) => run.path === "HTTP")) {
    const direct = runs.find(
      (run) => run.path === "direct" && run.operation === http.operation && run.connections === http.connections,
    )!;
    const name = http.operation === "lookup" ? "barcode lookup" : `sync.push, ${options.BENCH_EVENTS} events`;
    lines.push(
      `| ${name} | ${http.connections} | ${count(http.perSecond)} | ${ms(http.p50)} | ${ms(http.p99)} | ${count(direct.perSecond)} | ${ms(direct.p50)} | ${ms(direct.p99)} | ${(direct.perSecond / http.perSecond).toFixed(1)}× | ${http.failed} / ${direct.failed} |`,
    );
  }
  return lines.join("\n");
}

function cpuTable(runs: Run[]) {
  const cores = (value: number | null | undefined) => (value === null || value === undefined ? "–" : value.toFixed(2));
  const lines = [
    `| Operation | Connections | Path | Server | PostgreSQL | This process | Other work | Machine (of ${os.cpus().length}) | App CPU ms per request | Load (1 min) |`,
    "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const run of runs) {
    const self = run.path === "HTTP" ? "autocannon" : "Prisma + service";
    // The app's code runs in the server over HTTP and in this process when called directly.
    const app = run.path === "HTTP" ? run.cpu?.server : run.cpu?.bench;
    const perRequest =
      app === undefined || !run.cpu || run.requests === 0 ? "–" : ms((app * run.cpu.seconds * 1000) / run.requests);
    lines.push(
      `| ${run.operation} | ${run.connections} | ${run.path} | ${cores(run.cpu?.server)} | ${cores(run.cpu?.database)} | ${cores(run.cpu?.bench)} (${self}) | ${cores(run.cpu?.other)} | ${cores(run.cpu?.machine)} | ${perRequest} | ${run.load} |`,
    );
  }
  return lines.join("\n");
}

function stepsTable(steps: Step[]) {
  const lines = [
    "| Operation | Part, one request at a time | p50 ms | CPU ms, this process | CPU ms, server | CPU ms, PostgreSQL | SQL statements |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const step of steps) {
    // Cores over the run times its length, per call.
    const perCall = (cores: number | null | undefined) =>
      cores === null || cores === undefined || !step.cpu ? "–" : ms((cores * step.cpu.seconds * 1000) / step.runs);
    lines.push(
      `| ${step.operation} | ${step.step} | ${ms(step.p50)} | ${perCall(step.cpu?.bench)} | ${perCall(step.cpu?.server)} | ${perCall(step.cpu?.database)} | ${step.queries === null ? "" : step.queries.toFixed(1)} |`,
    );
  }
  return lines.join("\n");
}

async function main() {
  const cpus = os.cpus();
  console.log(
    `Machine: ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; Node ${process.version}; load ${load()}`,
  );
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID")))
    throw new Error("No build to serve: run `npm run build` first");
  const database = await createDatabase(options.BENCH_DATABASE_URL);
  let server: Server | undefined;
  let db: Db | undefined;
  try {
    console.log(`Migrating and seeding ${database.name}…`);
    const seeded = await migrateAndSeed(database.url);
    server = await startServer(database.url, options.BENCH_PORT || (await freePort()));
    const { cookie, userId } = await signInCourier(server.base);
    db = createDb({ kind: "postgres", url: database.url });
    const [version] = await db.$queryRaw<[{ version: string }]>`SELECT version()`;
    console.log(`Database: ${version.version.split(" on ")[0]}, ${count(seeded.tapes)} cartridges`);
    const processes = serverProcesses(parseEnv({ ...process.env, DATABASE_URL: database.url }));
    console.log(
      `Server: ${processes} process${processes === 1 ? "" : "es"} (WEB_CONCURRENCY=${process.env.WEB_CONCURRENCY ?? "unset: one per core"})`,
    );
    const barcodes = (
      await db.$queryRaw<{ barcode: string }[]>`SELECT barcode FROM backup_tape_cartridge ORDER BY random() LIMIT 20000`
    ).map((row) => row.barcode);
    const viewer = (await loadViewer(db, userId))!;
    const fixture: Fixture = {
      barcodes,
      cookie,
      actor: viewer,
      server,
      databaseRoot: seeded.databaseRoot,
    };
    // The secret the server generated into the database on its first start, so this process can check the same cookie.
    const secret = await getOrCreateSetting(db, "auth_secret", randomSecret);

    const runs: Run[] = [];
    const before = await db.syncEvent.count({ where: { status: "applied" } });
    for (const operation of options.BENCH_OPERATIONS) {
      for (const connections of options.BENCH_CONNECTIONS) {
        for (const path of ["HTTP", "direct"] as const) {
          const run = (seconds: number, measured: boolean) =>
            path === "HTTP"
              ? httpRun(fixture, operation, connections, seconds, measured)
              : directRun(db!, fixture, operation, connections, seconds, measured);
          const roots = { server: server.pid, database: seeded.databaseRoot };
          if (options.BENCH_WARMUP > 0) {
            await run(options.BENCH_WARMUP, false);
            if (canSample()) await waitForIdle(roots);
          }
          const result = await run(options.BENCH_DURATION, true);
          if (canSample()) await waitForIdle(roots);
          const cpu = result.cpu
            ? `; CPU: server ${result.cpu.server.toFixed(2)}, PostgreSQL ${result.cpu.database?.toFixed(2) ?? "?"}, this process ${result.cpu.bench.toFixed(2)}, other ${result.cpu.other.toFixed(2)} cores`
            : "";
          console.log(
            `  ${operation} ${path} ×${connections}: ${count(result.perSecond)} req/s, p50 ${ms(result.p50)} ms, p99 ${ms(result.p99)} ms, ${result.failed} failed${cpu}; load ${result.load}`,
          );
          for (const failure of result.failures) console.log(`    failure: ${failure}`);
          runs.push(result);
        }
      }
    }

    // Every acknowledged event must really be stored as applied, or the pushes measured nothing.
    const applied = (await db.syncEvent.count({ where: { status: "applied" } })) - before;
    if (applied < acknowledged.events || applied > acknowledged.events + acknowledged.unread) {
      throw new Error(
        `${count(acknowledged.events)} events were acknowledged as applied, ${count(applied)} are stored`,
      );
    }
    console.log("One request at a time…");
    const steps = await breakdown(db, secret, database.url, fixture, userId);
    const failed = runs.reduce((sum, run) => sum + run.failed, 0);
    console.log(
      `\n${count(applied)} events stored as applied during the runs. Load average now ${load()} (1 min) on ${cpus.length} cores.\n`,
    );
    console.log(
      `${resultsTable(runs)}\n\nCPU in cores, averaged over each measured run:\n\n${cpuTable(runs)}\n\n${stepsTable(steps)}`,
    );
    if (failed > 0) {
      console.error(`\n${failed} requests failed: these runs are not results.`);
      process.exitCode = 1;
    }
  } finally {
    await db?.$disconnect();
    await server?.stop();
    await database.drop(options.BENCH_KEEP === "1");
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
