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

const ADMIN = { name: "Bea Basement", email: "bea@example.com", password: "correct-horse-42" };
const LABEL = "CLD001L9";

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
let violations: string[] = [];

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url();
  context = await browser.newContext({ viewport: { width: 420, height: 900 } });
  violations = recordPolicyViolations(context);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const summary = () => page.locator('[data-testid="sync-summary"]:visible').first().textContent();

/** The scan screen opened once online, signed in with the cartridge registered: the service worker installs during it. */
async function openScanScreen() {
  await signInAsFirstAdmin(context, app, base, ADMIN);
  await registeredTape(context, base, LABEL);
  await page.goto(`${base}/backup/scan`);
  await page.evaluate(() => navigator.serviceWorker.ready);
}

describe("offline from a cold start", () => {
  test("the scan screen opened once online reloads with no network, records, and syncs later", async () => {
    // One visit: the service worker installs during it, and this page was loaded before it existed.
    await openScanScreen();
    await expect.poll(() => summary()).toContain("All synced");

    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.getByRole("heading", { name: "Scan cartridges" }).isVisible()).toBe(true);
    expect(new URL(page.url()).pathname).toBe("/backup/scan");
    expect(await page.getByTestId("viewer-name").textContent()).toBe(ADMIN.name);

    await page.getByLabel("Cartridge label").fill(LABEL);
    await page.getByLabel("Cartridge label").press("Enter");
    // The offline catalogue knows the cartridge.
    await expect.poll(() => page.getByTestId("batch").textContent()).toContain("Empty");
    await page.getByRole("button", { name: "Log location for 1 cartridge" }).click();
    await expect.poll(() => summary()).toContain("1 waiting");
    expect(await summary()).toContain("Offline");

    await context.setOffline(false);
    await expect.poll(() => summary(), { timeout: 30_000 }).toContain("All synced");
    const { id } = await callTrpc<{ id: string }>(context, base, "tapes.byBarcode", { barcode: LABEL });
    const tape = await callTrpc<{ locations: unknown[] }>(context, base, "tapes.get", { id });
    expect(tape.locations).toHaveLength(1);
  });

  test("the precached shell holds no user's data, and other pages say they need the connection", async () => {
    await openScanScreen();
    const shell = await page.evaluate(async () => {
      const response = await caches.match("/offline", { ignoreSearch: true });
      return response ? response.text() : null;
    });
    expect(shell).not.toBeNull();
    expect(shell).not.toContain(ADMIN.name);
    expect(shell).not.toContain(ADMIN.email);

    await context.setOffline(true);
    await page.goto(`${base}/backup`);
    await expect.poll(() => page.getByTestId("needs-connection").isVisible()).toBe(true);
    await page.getByTestId("needs-connection").getByRole("link", { name: "Outbox" }).click();
    await expect.poll(() => page.getByRole("heading", { name: "Outbox" }).isVisible()).toBe(true);
    await context.setOffline(false);
  });

  test("no page broke the Content-Security-Policy, the shell served offline included", () => {
    expect(violations).toEqual([]);
  });
});
