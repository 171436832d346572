import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  callTrpc,
  launchBrowser,
  recordPolicyViolations,
  setUpFirstAdmin,
  startApp,
  toastText,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Sid Sites", email: "sid@example.com", password: "correct-horse-42" };
const BARCODE = "000451L8";

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let violations: string[] = [];
let base: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
  context = await browser.newContext();
  violations = recordPolicyViolations(context);
  page = await context.newPage();
  // A first render on a loaded machine can outlast Playwright's 30 s default.
  page.setDefaultTimeout(90_000);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const sitesTable = () => page.getByTestId("sites-table");

async function addSite(name: string, kind: "On site" | "Off site", custodian: string) {
  await page.getByRole("button", { name: "Add site" }).click();
  const form = page.getByRole("form", { name: "Add a site" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Kind").selectOption({ label: kind });
  await form.getByLabel("Default custodian").fill(custodian);
  await form.getByRole("button", { name: "Add site" }).click();
  await poll(() => sitesTable().getByRole("link", { name, exact: true }).count()).toBe(1);
}

describe("named sites", () => {
  test("an administrator adds sites, each with its own label code", async () => {
    await setUpFirstAdmin(page, base, ADMIN);
    await page.goto(`${base}/manage/sites`);
    await poll(() => page.getByText("No sites yet").count()).toBe(1);

    await addSite("Server room", "On site", "Ops desk");
    await addSite("Iron Vault", "Off site", "Vera Vault");
    expect(await toastText(page)).toContain("Iron Vault added, label SITE-0002.");
    const row = sitesTable().getByRole("row", { name: /Iron Vault/ });
    expect(await row.textContent()).toContain("SITE-0002");

    // A second site of the same name, in another case, is refused at the name.
    await page.getByRole("button", { name: "Add site" }).click();
    const form = page.getByRole("form", { name: "Add a site" });
    await form.getByLabel("Name").fill("iron vault");
    await form.getByRole("button", { name: "Add site" }).click();
    await poll(() => page.locator("#new-site-name-error").textContent()).toBe("A site named iron vault already exists");
    await form.getByRole("button", { name: "Cancel" }).click();
  });

  test("its label page shows the code as a barcode to print", async () => {
    await sitesTable().getByRole("link", { name: "Iron Vault", exact: true }).click();
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Iron Vault");
    expect(await page.getByTestId("site-code").textContent()).toBe("SITE-0002");
    await page.getByRole("link", { name: "Print label" }).click();
    const label = page.getByTestId("site-label");
    await poll(() => label.getByRole("img", { name: "Barcode SITE-0002" }).count()).toBe(1);
    // The image is the SVG the server drew, and the browser could decode it.
    expect(await label.getByRole("img").evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0);
  });

  test("a cartridge is located by scanning the site's label into the site field, and its page shows the site", async () => {
    const tape = await callTrpc<{ id: string }>(context, base, "tapes.register", { barcode: BARCODE }, "mutation");
    await page.goto(`${base}/backup/tapes/${tape.id}`);
    await page.getByRole("button", { name: "Log Location" }).click();
    const site = page.getByRole("combobox", { name: "Site" });
    await site.click();
    // What a USB keyboard-wedge scanner does: the label's characters, with Code 39's start and stop, then Enter.
    await page.keyboard.type("*SITE-0002*", { delay: 5 });
    await page.keyboard.press("Enter");

    await poll(() => site.inputValue()).toBe("Iron Vault");
    // The kind follows from the site, its custodian fills the empty field, and the form was not sent yet.
    expect(await page.getByLabel("Where").inputValue()).toBe("off_site");
    expect(await page.getByLabel("Custodian").inputValue()).toBe("Vera Vault");
    await page.getByLabel("Locker").fill("L-12");
    await page.getByRole("button", { name: "Save location" }).click();

    const current = page.getByTestId("current-location");
    await poll(() => current.textContent()).toContain("Iron Vault · locker L-12");
    expect(await current.textContent()).toContain("Off site");

    await current.getByRole("link", { name: "About Iron Vault" }).click();
    await poll(() => page.getByTestId("site-tapes-table").getByRole("link", { name: BARCODE }).count()).toBe(1);
  });

  test("a code that names no site stays in the field with a message", async () => {
    await page.goto(`${base}/backup`);
    await page.getByRole("link", { name: BARCODE, exact: true }).first().click();
    await page.getByRole("button", { name: "Log Location" }).click();
    const site = page.getByRole("combobox", { name: "Site" });
    await site.fill("");
    await site.click();
    await page.keyboard.type("SITE-0099");
    await page.keyboard.press("Enter");
    await poll(() => page.locator("#location-site-unknown").textContent()).toContain("SITE-0099");
    expect(await page.getByRole("form", { name: "Log location" }).count()).toBe(1);
  });

  test("a label scanned before the sites have loaded is answered once they arrive", async () => {
    let arrive!: () => void;
    const held = new Promise<void>((resolve) => (arrive = resolve));
    const sitesRequest = /\/api\/trpc\/[^?]*sites\.options/;
    await page.route(sitesRequest, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(`${base}/backup/audits/new`);
    const site = page.getByRole("combobox", { name: "Site" });
    await poll(() => site.getAttribute("placeholder")).toBe("Loading sites…");
    await site.click();
    await page.keyboard.type("*SITE-0002*", { delay: 5 });
    await page.keyboard.press("Enter");
    const waiting = page.getByRole("status").filter({ hasText: "Looking for" });
    await poll(() => waiting.textContent()).toBe("Looking for “*SITE-0002*” once the sites have loaded…");
    expect(await page.locator("#audit-site-unknown").count()).toBe(0);

    arrive();
    await poll(() => site.inputValue()).toBe("Iron Vault");
    expect(await waiting.count()).toBe(0);
    expect(await page.locator("#audit-site-hint").textContent()).toBe("Off site · SITE-0002");
    await page.unroute(sitesRequest);
    expect(violations).toEqual([]);
  });
});
