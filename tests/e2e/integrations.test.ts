import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  launchBrowser,
  recordPolicyViolations,
  registeredTape,
  signInAsFirstAdmin,
  startApp,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Ada Admin", email: "ada@example.com", password: "correct-horse-42" };
const [FIRST, SECOND] = ["INT001L9", "INT002L9"];

let app: RunningApp;
let browser: Browser;
let base: string;
let context: BrowserContext;
let page: Page;
let violations: string[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
  context = await browser.newContext();
  violations = recordPolicyViolations(context);
  page = await context.newPage();
  page.setDefaultTimeout(90_000);
  await signInAsFirstAdmin(context, app, base, ADMIN);
  for (const barcode of [FIRST, SECOND]) await registeredTape(context, base, barcode);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

describe("backup software reporting its jobs", () => {
  test("an administrator creates a token, shown once; backup software reports a job with it; the job says where it came from", async () => {
    await page.goto(`${base}/manage/integrations`);
    await poll(() => page.locator("main").textContent()).toContain("No API tokens yet.");
    await page.getByRole("button", { name: "New token" }).click();
    await page.getByLabel("Integration").fill("Bareos director");
    await page.getByRole("checkbox", { name: /Register cartridges/ }).check();
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByLabel("API token for Bareos director");
    await poll(() => shown.inputValue()).toMatch(/^bm_[\w-]{43}$/);
    const token = await shown.inputValue();
    await page.getByRole("button", { name: "Done" }).click();
    await poll(() => page.getByTestId("api-tokens").textContent()).toContain(`${token.slice(0, 11)}…`);
    expect(await page.locator("main").textContent()).not.toContain(token);

    // The backup software's side: no cookie, only the token.
    const answer = await fetch(`${base}/api/v1/jobs/bareos/4711`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        name: "fileserver-full Full",
        jobDate: "2026-11-30T21:00:04Z",
        retentionDays: 35,
        barcodes: [SECOND, FIRST, "INT003L9"],
      }),
    });
    expect(answer.status).toBe(201);
    const { job } = (await answer.json()) as { job: { id: string } };

    await page.goto(`${base}/backup/jobs/${job.id}`);
    await poll(() => page.getByTestId("job-origin").textContent()).toBe(
      "Reported by the integration Bareos director (bareos job 4711)",
    );
    await page.goto(`${base}/manage/integrations`);
    await poll(() => page.getByTestId("api-tokens").textContent()).not.toContain("Never used");

    await page.goto(`${base}/manage/integrations/api`);
    await poll(() =>
      page.getByRole("heading", { name: "PUT /api/v1/jobs/{externalSystem}/{externalId}" }).isVisible(),
    ).toBe(true);
  });

  test("a job log CSV is checked row by row, refused while a row is wrong, then imported whole", async () => {
    await page.goto(`${base}/backup`);
    await page.getByRole("link", { name: "Import jobs from CSV" }).click();
    const paste = page.getByLabel("Or paste its lines");
    await paste.fill(
      `name;date;retention;barcodes;job id\nNightly mail;2026-11-29;90;${FIRST};m-1\nWeekly;2026-11-28;x;${SECOND};m-2\nMonthly;2026-11-01;365;NOPE01L9;m-3`,
    );
    await poll(() => page.getByTestId("import-problem-count").textContent()).toContain("2 rows have problems");
    const rows = page.getByTestId("import-rows");
    expect(await rows.textContent()).toContain("Retention (days): Enter the retention in days");
    expect(await rows.textContent()).toContain("Cartridge NOPE01L9 is not registered");
    expect(await page.getByRole("button", { name: "Import 3 jobs" }).isDisabled()).toBe(true);

    await paste.fill(
      `name;date;retention;barcodes;job id\nNightly mail;2026-11-29;90;${FIRST};m-1\nWeekly;2026-11-28;30;${SECOND} INT004L9;m-2`,
    );
    await poll(() => rows.textContent()).toContain("Cartridge INT004L9 is not registered");
    await page.getByRole("checkbox", { name: /Register cartridges not in the catalogue/ }).check();
    await poll(() => page.getByRole("button", { name: "Import 2 jobs" }).isEnabled()).toBe(true);
    await page.getByRole("button", { name: "Import 2 jobs" }).click();
    await poll(() => page.getByTestId("import-done").textContent()).toContain(
      "Imported: 2 new, 0 updated, 0 unchanged; registered INT004L9.",
    );
    expect(violations).toEqual([]);
  });
});
