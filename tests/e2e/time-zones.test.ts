import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  callTrpc,
  launchBrowser,
  recordPolicyViolations,
  registeredTape,
  signInAsFirstAdmin,
  startApp,
  type RunningApp,
} from "./harness";

/**
 * A job date and an expiry are calendar days: the same for every viewer. When a cartridge moved is a moment:
 * shown in each viewer's own zone. Browsers east and west of UTC must agree on the first and differ on the second.
 */
const ADMIN = { name: "Zoe Zones", email: "zoe@example.com", password: "correct-horse-42" };
const BARCODE = "000777L9";
const JOB = "Year-end full";
// Stored at UTC midnight: a browser formatting them in its own zone shows the day before west of UTC.
const JOB_DATE = "1 Dec 2026";
const EXPIRY = "31 Dec 2026";
const MOVED_AT = "2026-06-15T23:30:00Z";
const ZONES = [
  { timezoneId: "America/Los_Angeles", moved: "15 Jun 2026, 16:30" },
  { timezoneId: "Asia/Tokyo", moved: "16 Jun 2026, 08:30" },
];

let app: RunningApp;
let browser: Browser;
let base: string;
let signedIn: Awaited<ReturnType<BrowserContext["storageState"]>>;
let ids: { tape: string; job: string };

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

// An administrator logs a job on a cartridge and records where it went; every zone's browser then reads them.
beforeAll(async () => {
  const context = await browser.newContext({ timezoneId: "UTC" });
  await signInAsFirstAdmin(context, app, base, ADMIN);
  const tape = await registeredTape(context, base, BARCODE);
  const job = await callTrpc<{ id: string }>(
    context,
    base,
    "jobs.create",
    { name: JOB, jobDate: "2026-12-01T00:00:00.000Z", retentionDays: 30, tapeIds: [tape] },
    "mutation",
  );
  const moved = { tapeId: tape, kind: "off_site", site: "Iron Vault", occurredAt: MOVED_AT };
  await callTrpc(context, base, "locations.log", moved, "mutation");
  ids = { tape, job: job.id };
  signedIn = await context.storageState();
  await context.close();
});

describe.each(ZONES)("a browser in $timezoneId", ({ timezoneId, moved }) => {
  let page: Page;
  let violations: string[];

  beforeAll(async () => {
    const context = await browser.newContext({ timezoneId, storageState: signedIn });
    violations = recordPolicyViolations(context);
    page = await context.newPage();
  });

  test("the overview's cartridge table shows the expiry's own day", async () => {
    await page.goto(`${base}/backup`);
    const row = page.getByTestId("tapes-table").getByRole("row", { name: new RegExp(BARCODE) });
    await expect.poll(() => row.textContent()).toContain(EXPIRY);
  });

  test("the cartridge page shows the same days, and when it moved in this zone", async () => {
    await page.goto(`${base}/backup/tapes/${ids.tape}`);
    await expect.poll(() => page.getByTestId("tape-expiry").textContent()).toBe(EXPIRY);
    const jobs = page.getByRole("listitem").filter({ hasText: JOB });
    expect(await jobs.textContent()).toContain(`${JOB_DATE} · expires ${EXPIRY}`);
    // Rendered first in the zone the server knew, then in the browser's own once it has reported it.
    await expect.poll(() => page.getByTestId("current-location").textContent()).toContain(moved);
  });

  test("the job page shows the same job date and expiry", async () => {
    await page.goto(`${base}/backup/jobs/${ids.job}`);
    await expect.poll(() => page.getByTestId("job-expiry").textContent()).toBe(EXPIRY);
    expect(await page.getByText(JOB_DATE, { exact: true }).count()).toBe(1);
    expect(violations).toEqual([]);
  });
});
