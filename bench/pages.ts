import os from "node:os";
import { performance } from "node:perf_hooks";
import type { BrowserContext, Page } from "playwright-core";
import pg from "pg";
import { z } from "zod";
import { launchBrowser } from "../tests/e2e/browser";
import { createScratchDatabase, migrationSql } from "../tests/helpers/database";
import { callProcedure, freePort, serverUrlOption, signIn, startServer } from "./app-server";
import { catalogueSize, seedSteps } from "./catalogue/seed";
import { median } from "./stats";

/**
 * Pages on a phone: the overview, a cartridge's page and the scan screen of the built app, loaded by
 * Chromium emulating a mid-range phone (a 412×915 touch screen, the CPU slowed 4×, DevTools' "Fast 3G"
 * network: 562.5 ms of latency, 1.44 Mbit/s down, 675 kbit/s up, all through the DevTools protocol):
 * - cold: a new browser profile each time, so no HTTP cache and no service worker;
 * - warm: the service worker installed and the page visited once before, as on the phone of someone who
 *   uses the app every day.
 * Reports Largest Contentful Paint; on the scan screen, the time until the camera is reading labels
 * (Chromium's fake camera); on the overview, the time until its tables are in the page. All from the start
 * of the navigation.
 *   npm run build                      (once: the benchmark serves .next as it is)
 *   BENCH_DATABASE_URL=postgres://user@host:port/postgres npm run bench:pages
 * It needs PostgreSQL, like bench:api: the server and the benchmark both open the database. A new database
 * holding the catalogue of bench:catalogue is created on that server and dropped afterwards.
 *   BENCH_RUNS   visits of each page in each state (5)
 *   BENCH_SCALE  fraction of the 100,000 cartridges (1)
 *   BENCH_KEEP=1 keeps the database
 * Figures go to docs/PERFORMANCE.md, section "Pages on a phone".
 */
const options = z
  .object({
    BENCH_DATABASE_URL: serverUrlOption,
    BENCH_RUNS: z.coerce.number().int().min(1).default(5),
    BENCH_SCALE: z.coerce.number().positive().max(10).default(1),
    BENCH_KEEP: z.enum(["0", "1"]).default("0"),
  })
  .parse(process.env);

const ADMIN = { name: "Bench Admin", email: "bench-admin@example.test", password: "Bench-password-2026" };
/** DevTools' "Fast 3G" preset, as its network panel defines it. */
const FAST_3G = {
  offline: false,
  latency: 562.5,
  downloadThroughput: ((1.6 * 1024 * 1024) / 8) * 0.9,
  uploadThroughput: ((750 * 1024) / 8) * 0.9,
};
const CPU_SLOWDOWN = 4;
const PHONE = {
  viewport: { width: 412, height: 915 },
  deviceScaleFactor: 2.625,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
};

/**
 * Records, from the first byte of each document, the latest Largest Contentful Paint candidate, the moment
 * the camera starts reading (the scan screen's `data-camera="running"`) and the moment the overview's tables
 * are in the page.
 */
const RECORDER = `
  window.__bench = { lcp: null, element: null, ready: null, tables: null };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__bench.lcp = entry.startTime;
      const element = entry.element;
      window.__bench.element = element
        ? element.tagName.toLowerCase() + " “" + (element.textContent || "").trim().slice(0, 40) + "”"
        : null;
    }
  }).observe({ type: "largest-contentful-paint", buffered: true });
  // Only the nodes each mutation adds or changes are looked at, never the whole document again, so that the
  // recorder does not itself slow the parsing of a large page.
  const marks = [["ready", '[data-camera="running"]'], ["tables", '[data-testid="jobs-table"]']];
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const nodes = record.type === "attributes" ? [record.target] : record.addedNodes;
      for (const node of nodes) {
        if (node.nodeType !== 1) continue;
        for (const [key, selector] of marks) {
          if (window.__bench[key] === null && (node.matches(selector) || node.querySelector(selector)))
            window.__bench[key] = performance.now();
        }
      }
    }
    if (marks.every(([key]) => window.__bench[key] !== null)) observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-camera"] });
`;

/** A page, and what on it is waited for and timed besides its LCP. */
type Target = { name: string; path: string; mark?: { label: string; key: "ready" | "tables"; selector: string } };
type Visit = { lcp: number; element: string | null; ready: number | null; tables: number | null };

const count = (n: number) => n.toLocaleString("en");
const ms = (n: number | null) => (n === null ? "–" : `${Math.round(n).toLocaleString("en")}`);

const markTimes = (target: Target, visits: Visit[]) =>
  target.mark ? visits.flatMap((v) => v[target.mark!.key] ?? []) : [];

async function migrateAndSeed(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const migration of migrationSql()) await client.query(migration.sql);
    for (const step of seedSteps(catalogueSize(options.BENCH_SCALE))) {
      const started = performance.now();
      await client.query(step.sql);
      console.log(`  ${step.name}: ${count(step.rows)} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    await client.query("VACUUM ANALYZE");
    const { rows } = await client.query<{ id: string }>(
      "SELECT tape_id AS id FROM backup_job_tape GROUP BY tape_id ORDER BY count(*) DESC, tape_id LIMIT 1",
    );
    return rows[0]!.id;
  } finally {
    await client.end();
  }
}

/** A page on the emulated phone: throttled before its first request. */
async function phonePage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", FAST_3G);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  return page;
}

const SETTLE_MS = 3_000;

/** Loads the page, waits until it is settled (and for its timed mark), and reads the marks. */
async function visit(page: Page, base: string, target: Target): Promise<Visit> {
  await page.goto(`${base}${target.path}`, { waitUntil: "load", timeout: 120_000 });
  if (target.mark) await page.locator(target.mark.selector).waitFor({ state: "attached", timeout: 120_000 });
  // Pages keep a connection busy (the sync status, live counts), so "network idle" never comes: a later
  // Largest Contentful Paint candidate would have to come within this settling time.
  await page.waitForTimeout(SETTLE_MS);
  const marks = await page.evaluate(() => (window as unknown as { __bench: Visit }).__bench);
  if (marks.lcp === null) throw new Error(`No Largest Contentful Paint was reported on ${target.path}`);
  if (target.mark && marks[target.mark.key] === null) throw new Error(`No ${target.mark.label} on ${target.path}`);
  return marks;
}

async function newPhoneContext(browser: Awaited<ReturnType<typeof launchBrowser>>, base: string, cookie: string) {
  const context = await browser.newContext(PHONE);
  await context.addCookies(
    cookie.split("; ").map((pair) => {
      const [name, ...value] = pair.split("=");
      return { name: name!, value: value.join("="), url: base };
    }),
  );
  await context.addInitScript(RECORDER);
  return context;
}

async function main() {
  console.log(`Machine: ${os.cpus()[0]?.model.trim()}, ${os.cpus().length} cores; Node ${process.version}`);
  const database = await createScratchDatabase(options.BENCH_DATABASE_URL, "bm_bench_pages");
  const server = await (async () => {
    const tapeId = await migrateAndSeed(database.url);
    return { tapeId, ...(await startServer(database.url, await freePort())) };
  })();
  const browser = await launchBrowser(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]);
  try {
    await callProcedure(server.base, "setup.createFirstAdmin", ADMIN);
    const cookie = await signIn(server.base, ADMIN);
    const targets: Target[] = [
      {
        name: "Overview",
        path: "/backup",
        mark: { label: "tables shown", key: "tables", selector: '[data-testid="jobs-table"]' },
      },
      { name: "Cartridge page", path: `/backup/tapes/${server.tapeId}` },
      {
        name: "Scan screen",
        path: "/backup/scan",
        mark: { label: "camera reading", key: "ready", selector: '[data-camera="running"]' },
      },
    ];
    // The server's first render of each page (its caches, the rotation entries' first refresh) is not a
    // phone's experience: done once, untimed.
    for (const target of targets) {
      const response = await fetch(`${server.base}${target.path}`, { headers: { cookie } });
      if (!response.ok) throw new Error(`${target.path} answered ${response.status}`);
    }
    const results: { target: Target; state: "cold" | "warm"; visits: Visit[] }[] = [];
    for (const target of targets) {
      const cold: Visit[] = [];
      for (let run = 0; run < options.BENCH_RUNS; run++) {
        const context = await newPhoneContext(browser, server.base, cookie);
        try {
          cold.push(await visit(await phonePage(context), server.base, target));
        } finally {
          await context.close();
        }
      }
      // One profile for the warm visits: the first, untimed, installs the service worker and fills its caches.
      const context = await newPhoneContext(browser, server.base, cookie);
      const warm: Visit[] = [];
      try {
        const first = await phonePage(context);
        await visit(first, server.base, target);
        await first.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
        await visit(first, server.base, target);
        await first.close();
        for (let run = 0; run < options.BENCH_RUNS; run++) {
          const page = await phonePage(context);
          warm.push(await visit(page, server.base, target));
          await page.close();
        }
      } finally {
        await context.close();
      }
      for (const [state, visits] of [
        ["cold", cold],
        ["warm", warm],
      ] as const) {
        results.push({ target, state, visits });
        const lcp = visits.map((v) => v.lcp);
        const marked = markTimes(target, visits);
        console.log(
          `  ${target.name}, ${state}: LCP median ${ms(median(lcp))} ms, max ${ms(Math.max(...lcp))} ms ` +
            `(${[...new Set(visits.map((v) => v.element))].join(", ")})` +
            (target.mark
              ? `; ${target.mark.label} after ${ms(median(marked))} ms median, ${ms(Math.max(...marked))} ms max`
              : ""),
        );
      }
    }
    console.log(`\nLoad average after: ${os.loadavg()[0]!.toFixed(1)} (1 min)\n`);
    console.log("| Page | State | Visits | LCP median (ms) | LCP max (ms) | Also timed | median (ms) | max (ms) |");
    console.log("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |");
    for (const { target, state, visits } of results) {
      const lcp = visits.map((v) => v.lcp);
      const marked = markTimes(target, visits);
      console.log(
        `| ${target.name} | ${state} | ${visits.length} | ${ms(median(lcp))} | ${ms(Math.max(...lcp))} | ` +
          (target.mark ? `${target.mark.label} | ${ms(median(marked))} | ${ms(Math.max(...marked))} |` : "– | – | – |"),
      );
    }
  } finally {
    await browser.close();
    await server.stop();
    if (options.BENCH_KEEP === "1") console.log(`Kept the database: DATABASE_URL=${database.url}`);
    else await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
