import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import type { CreateJobInput } from "../../lib/jobs";
import {
  callTrpc,
  externalAddress,
  launchBrowser,
  recordPolicyViolations,
  registeredTape,
  sendTrpc,
  signInAsFirstAdmin,
  startApp,
  toastText,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Jo Operator", email: "jo@example.com", password: "correct-horse-42" };
const FIRST = "100001L9";
const SECOND = "100002L9";
const JOB = "Nightly full – file servers";

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let violations: string[] = [];
let base: string;
// The setup-code check needs the server to see the browser as another machine (see auth-and-access.test.ts).
const remoteHost = externalAddress();

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url(remoteHost ?? "localhost");
  context = await browser.newContext();
  violations = recordPolicyViolations(context);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const path = () => new URL(page.url()).pathname;
// expect.poll gives up after 1 s by default; a save and the next page can take longer on a busy machine.
const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });
const spanOrder = () => page.getByTestId("span-item").locator(".font-mono").allTextContents();

/** Signed in as the administrator (created first if the install is new), with both cartridges registered: their ids. */
async function adminWithCartridges(): Promise<string[]> {
  await signInAsFirstAdmin(context, app, base, ADMIN);
  return [await registeredTape(context, base, FIRST), await registeredTape(context, base, SECOND)];
}

/** The job the form below logs, created through the API unless it exists already: its id. */
async function loggedJob(): Promise<string> {
  const tapeIds = await adminWithCartridges();
  const { items } = await callTrpc<{ items: { id: string; name: string }[] }>(context, base, "jobs.list", {
    search: JOB,
  });
  const job = items.find((item) => item.name === JOB);
  if (job) return job.id;
  const input: CreateJobInput = {
    name: JOB,
    jobDate: "2026-01-05",
    retentionDays: 30,
    // 1.5 TB, as the form below enters it.
    totalBytes: 1_500_000_000_000n,
    totalFiles: 120_000n,
    tapeIds,
  };
  return (await callTrpc<{ id: string }>(context, base, "jobs.create", input, "mutation")).id;
}

describe("backup jobs", () => {
  test("the first administrator signs in and registers two cartridges", async () => {
    await page.goto(`${base}/setup`);
    await page.getByLabel("Full name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Repeat password").fill(ADMIN.password);
    if (remoteHost)
      await page.getByLabel("Setup code").fill(app.logs().match(/setup code: ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})/)![1]!);
    await page.getByRole("button", { name: "Create administrator and sign in" }).click();
    await expect.poll(path, { timeout: 15_000 }).toBe("/backup");

    for (const barcode of [FIRST, SECOND]) {
      expect((await sendTrpc(context, base, "tapes.register", { barcode }, "mutation")).status).toBe(200);
    }
  });

  test("a job spanning both cartridges is logged, the cartridges scanned or picked from suggestions", async () => {
    await adminWithCartridges();
    // Typing into controlled inputs before React has hydrated them could be lost.
    await page.goto(`${base}/backup/jobs/new`, { waitUntil: "networkidle" });
    await page.getByLabel("Job name").fill(JOB);
    await page.getByLabel("Job date").fill("2026-01-05");
    await page.getByLabel("Retention (days)").fill("30");
    await eventually(() => page.getByTestId("expiry-preview").textContent()).toBe("Expires on 4 Feb 2026");
    await page.getByLabel("Total size").fill("1.5");
    await page.getByLabel("Size unit").selectOption("TB");
    await page.getByLabel("Total files").fill("120,000");

    const picker = page.getByRole("combobox", { name: "Cartridges, in spanning order" });
    // A USB scanner: each label at keyboard speed then Enter, the second before the first is looked up.
    for (const barcode of [FIRST.toLowerCase(), SECOND]) {
      await picker.pressSequentially(barcode, { delay: 5 });
      await picker.press("Enter");
    }
    await eventually(spanOrder).toEqual([FIRST, SECOND]);
    expect(await picker.inputValue()).toBe("");

    // Removed, then picked again from the suggestions for a typed part of its barcode.
    await page.getByRole("button", { name: `Remove ${SECOND}` }).click();
    await eventually(spanOrder).toEqual([FIRST]);
    await picker.pressSequentially("100002");
    await page.getByRole("option", { name: new RegExp(SECOND) }).click();
    await eventually(spanOrder).toEqual([FIRST, SECOND]);

    await page.getByRole("button", { name: "Log backup job" }).click();
    await eventually(path).toMatch(/^\/backup\/jobs\/[0-9a-f-]{36}$/);
    await eventually(() => toastText(page)).toContain("Backup job logged.");
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(JOB);
    expect(await page.getByTestId("job-expiry").textContent()).toBe("4 Feb 2026");
    expect(await page.getByText("1.5 TB").count()).toBe(1);
    expect(await spanOrder()).toEqual([FIRST, SECOND]);
  });

  test("reordering the span on the job page is saved and survives a reload", async () => {
    await page.goto(`${base}/backup/jobs/${await loggedJob()}`);
    await eventually(spanOrder).toEqual([FIRST, SECOND]);
    await page.getByRole("button", { name: `Move ${SECOND} up` }).click();
    await eventually(spanOrder).toEqual([SECOND, FIRST]);
    await eventually(() => page.getByTestId("span-status").textContent()).toBe("Span saved.");
    // Focus stays with the moved cartridge; at the top, on its "down" button.
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe(`Move ${SECOND} down`);

    await page.reload();
    await eventually(spanOrder).toEqual([SECOND, FIRST]);
    await eventually(() => page.getByTestId("audit-trail").textContent()).toContain(SECOND);
  });

  test("the overview's first pages of cartridges and jobs come in its HTML, not asked for after hydration", async () => {
    await loggedJob();
    const html = await (await context.request.get(`${base}/backup`)).text();
    for (const text of [JOB, FIRST, SECOND]) expect(html).toContain(text);

    const listCalls: string[] = [];
    const onRequest = (request: { url(): string }) => {
      if (/\/api\/trpc\/.*(tapes|jobs)\.list/.test(request.url())) listCalls.push(request.url());
    };
    page.on("request", onRequest);
    try {
      await page.goto(`${base}/backup`, { waitUntil: "networkidle" });
      expect(
        await page
          .getByTestId("jobs-table")
          .getByRole("row", { name: new RegExp(JOB) })
          .count(),
      ).toBe(1);
      expect(listCalls).toEqual([]);
      // Hydrated, the table's sort control answers, and asks for that order: the only list call.
      await page.getByTestId("jobs-table").getByRole("columnheader").getByRole("button", { name: "Name" }).click();
      await eventually(() => listCalls.length).toBe(1);
      expect(listCalls[0]).toContain("jobs.list");
    } finally {
      page.off("request", onRequest);
    }
  });

  test("the overview lists the job; deleting it from its page keeps the cartridges", async () => {
    await loggedJob();
    await page.goto(`${base}/backup`, { waitUntil: "networkidle" });
    const row = page.getByTestId("jobs-table").getByRole("row", { name: new RegExp(JOB) });
    await eventually(() => row.textContent()).toContain("1.5 TB");
    await row.getByRole("link", { name: JOB }).click();
    await eventually(path).toMatch(/^\/backup\/jobs\//);
    // The history is fetched by the browser, so once it shows, the page's buttons are live.
    await eventually(() => page.getByTestId("audit-trail").textContent()).toContain(ADMIN.name);

    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await eventually(() => page.getByTestId("delete-summary").textContent()).toContain("its 2 tape bindings");
    await page.getByRole("button", { name: "Delete job" }).click();

    await eventually(() => new URL(page.url()).pathname).toBe("/backup");
    await eventually(() => toastText(page)).toContain(`Job ${JOB} deleted.`);
    await eventually(() => page.getByText("No backup jobs logged yet").isVisible()).toBe(true);

    for (const barcode of [FIRST, SECOND]) {
      expect(await callTrpc(context, base, "tapes.byBarcode", { barcode })).toMatchObject({ barcode });
    }
  });

  test("no page broke the Content-Security-Policy", () => {
    expect(violations).toEqual([]);
  });
});
