import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toDateInput } from "../../lib/dates";
import { callTrpc, launchBrowser, setUpFirstAdmin, startApp, toastText, type RunningApp } from "./harness";

const ADMIN = { name: "Ros Rotation", email: "ros@example.com", password: "correct-horse-42" };
const BARCODE = "200001L9";
const DAY_MS = 86_400_000;

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
  context = await browser.newContext();
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const countOf = (list: "send" | "bring-back") => page.getByTestId(`rotation-${list}-count`).textContent();
const listed = (list: "send" | "bring-back") =>
  page.getByTestId(`rotation-${list}`).locator(".font-mono").allTextContents();

describe("rotation", () => {
  let tapeId: string;
  let jobId: string;
  const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const jobDate = toDateInput(new Date(today.getTime() - 100 * DAY_MS));
  const job = (retentionDays: number) => ({
    name: "Weekly full – archive",
    jobDate,
    retentionDays,
    tapeIds: [tapeId],
  });

  test("an off-site cartridge whose job keeps its data for a year is on no list", async () => {
    await setUpFirstAdmin(page, base, ADMIN);
    ({ id: tapeId } = await callTrpc<{ id: string }>(
      context,
      base,
      "tapes.register",
      { barcode: BARCODE },
      "mutation",
    ));
    await callTrpc(context, base, "locations.log", { tapeId, kind: "off_site", site: "Iron Vault" }, "mutation");
    ({ id: jobId } = await callTrpc<{ id: string }>(context, base, "jobs.create", job(365), "mutation"));
    await page.goto(`${base}/backup`);
    expect(await countOf("bring-back")).toBe("0");
    expect(await countOf("send")).toBe("0");
  });

  test("shortening the job's retention puts the cartridge on the list to bring back, overdue", async () => {
    await page.goto(`${base}/backup/jobs/${jobId}/edit`, { waitUntil: "networkidle" });
    await page.getByLabel("Retention (days)").fill("90");
    await page.getByRole("button", { name: /save/i }).click();
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe(`/backup/jobs/${jobId}`);
    await page.goto(`${base}/backup`);
    expect(await countOf("bring-back")).toBe("1");
    expect(await listed("bring-back")).toEqual([BARCODE]);
    await expect
      .poll(() => page.getByTestId("rotation-overdue").textContent())
      .toMatch(/1 cartridge overdue to bring back/);

    await page.getByRole("link", { name: /All 1 cartridge to bring back/ }).click();
    await expect
      .poll(() => page.getByTestId("rotation-counts").textContent(), { timeout: 15_000 })
      .toBe("1 cartridges, 1 overdue");
  });

  test("lengthening it again takes the cartridge off; a recall from its page puts it back", async () => {
    await callTrpc(context, base, "jobs.update", { ...job(365), id: jobId }, "mutation");
    await page.goto(`${base}/backup`);
    expect(await countOf("bring-back")).toBe("0");
    expect(await page.getByTestId("rotation-overdue").count()).toBe(0);

    await page.goto(`${base}/backup/tapes/${tapeId}`, { waitUntil: "networkidle" });
    await page.getByRole("button", { name: "Recall for a restore" }).click();
    await page.getByLabel("What it is needed for").fill("Restore of the archive share");
    await page.getByRole("button", { name: "Recall", exact: true }).click();
    await expect.poll(() => toastText(page)).toMatch(`${BARCODE} recalled`);
    await page.goto(`${base}/backup`);
    expect(await listed("bring-back")).toEqual([BARCODE]);
  });
});
