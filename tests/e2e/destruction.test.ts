import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toDateInput } from "../../lib/dates";
import { pdfPages } from "../helpers/pdf-text";
import {
  callTrpc,
  launchBrowser,
  recordPolicyViolations,
  registeredTape,
  signInAsFirstAdmin,
  startApp,
  toastText,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Ada Admin", email: "ada@example.com", password: "correct-horse-42" };
/** Two blank cartridges, and one whose job keeps its data for a year yet: only an override destroys it. */
const [BLANK, SPARE, KEPT] = ["DES001L9", "DES002L9", "DES003L9"];
const NUMBER = `D-${new Date().getUTCFullYear()}-0001`;
const REASON = "Cartridge case cracked in the flood: unreadable";

let app: RunningApp;
let browser: Browser;
let base: string;
let context: BrowserContext;
let page: Page;
let violations: string[] = [];
const tapeIds: Record<string, string> = {};

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
  context = await browser.newContext();
  violations = recordPolicyViolations(context);
  page = await context.newPage();
  // A first render on a loaded machine can outlast Playwright's 30 s default.
  page.setDefaultTimeout(90_000);
  await signInAsFirstAdmin(context, app, base, ADMIN);
  for (const barcode of [BLANK, SPARE, KEPT]) tapeIds[barcode] = await registeredTape(context, base, barcode);
  await callTrpc(
    context,
    base,
    "jobs.create",
    { name: "Yearly archive", jobDate: toDateInput(new Date()), retentionDays: 365, tapeIds: [tapeIds[KEPT]] },
    "mutation",
  );
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

describe("destroying cartridges", () => {
  test("a batch destruction, typed in at the desk, produces a certificate and the cartridges show destroyed", async () => {
    await page.goto(`${base}/backup/destructions`);
    await poll(() => page.locator("main").textContent()).toContain("No cartridge has been destroyed yet.");
    await page.getByRole("link", { name: "Record a destruction" }).click();
    await poll(() => new URL(page.url()).pathname).toBe("/backup/destructions/new");

    const label = page.getByLabel("Cartridge label");
    for (const barcode of [BLANK, SPARE, KEPT]) {
      await label.fill(barcode);
      await label.press("Enter");
      await poll(() => page.getByTestId("destroy-tapes").textContent()).toContain(barcode);
    }
    // Each cartridge says whether it may go; the one still holding data says until when.
    await poll(() => page.getByTestId("destroy-tapes").textContent()).toContain(
      `${KEPT} holds data that does not expire until`,
    );

    await page.getByLabel("Technique", { exact: true }).fill("Shred");
    await page.getByLabel("Performed by", { exact: true }).fill("Sam Shredder");
    await page.getByLabel("Witness", { exact: true }).fill("Wanda Witness");
    await page.getByLabel("Verification", { exact: true }).fill("Visual inspection of the shreds");
    await page.getByLabel("Where the remains went", { exact: true }).fill("Recycled by Acme Metals");
    // Without the reason the server refuses it, naming the cartridge.
    await page.getByRole("button", { name: "Record destruction" }).click();
    await poll(() => page.locator("main").textContent()).toContain("say why it is destroyed before then");
    await page.getByLabel("Override reason", { exact: true }).fill(REASON);
    await page.getByRole("button", { name: "Record destruction" }).click();

    await poll(() => toastText(page)).toContain(`${NUMBER} recorded: 3 cartridge(s) destroyed.`);
    await poll(() => new URL(page.url()).pathname).toMatch(/^\/backup\/destructions\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    await poll(() => page.getByTestId("destroyed-tapes").textContent()).toMatch(
      new RegExp(`${BLANK}.*${SPARE}.*${KEPT}.*override`),
    );

    const response = await context.request.get(`${base}/backup/destructions/${id}/certificate`);
    expect(response.status()).toBe(200);
    const certificate = (await pdfPages(await response.body())).join("\n");
    for (const text of [
      "Certificate of sanitization",
      NUMBER,
      "Destroy (NIST SP 800-88)",
      "Shred",
      "Sam Shredder",
      "Wanda Witness",
      "Visual inspection of the shreds",
      "Recycled by Acme Metals",
      REASON,
      BLANK,
      SPARE,
      KEPT,
    ])
      expect(certificate).toContain(text);
    expect(certificate).toMatch(new RegExp(`${KEPT}.*destroyed under the override`));

    for (const barcode of [BLANK, SPARE, KEPT]) {
      await page.goto(`${base}/backup/tapes/${tapeIds[barcode]}`);
      await poll(() => page.getByTestId("tape-status").textContent()).toBe("Destroyed");
      await poll(() => page.getByTestId("end-of-life").textContent()).toContain(`certificate ${NUMBER}`);
    }
    await page.goto(`${base}/backup/destructions`);
    await poll(() => page.getByTestId("destructions-table").textContent()).toContain(NUMBER);
    // Eight page loads and a PDF: more than one test's usual allowance on a loaded machine.
  }, 360_000);

  test("no page broke the Content-Security-Policy", () => {
    expect(violations).toEqual([]);
  });
});
