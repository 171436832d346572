import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  callTrpc,
  existingUser,
  externalAddress,
  launchBrowser,
  registeredTape,
  sendTrpc,
  signInAsFirstAdmin,
  startApp,
  toastText,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Ana Admin", email: "ana@example.com", password: "correct-horse-42" };
const READER = { name: "Rita Reader", email: "rita@example.com", password: "battery-staple-77" };

let app: RunningApp;
let browser: Browser;
let adminContext: BrowserContext;
let base: string;
// The server must see the browser as another machine for the setup-code check; fall back to loopback
// on a host without another address (the check is then covered by the integration tests).
const remoteHost = externalAddress();

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url(remoteHost ?? "localhost");
  adminContext = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** The page's own alerts, not Next.js's route announcer (which also has role=alert). */
const alertText = (page: Page) => page.locator('[role="alert"]:not(#__next-route-announcer__)').first().textContent();

/**
 * A page of the overview, signed in as the administrator (created first if the install is new). The one
 * administrator context keeps the session from test to test: every sign-in counts towards the limit per address.
 */
async function adminPage(): Promise<Page> {
  await signInAsFirstAdmin(adminContext, app, base, ADMIN);
  const page = await adminContext.newPage();
  await page.goto(`${base}/backup`);
  return page;
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("signing in and access levels", () => {
  test("a fresh install asks for the first administrator, with the setup code from the server log", async () => {
    const admin = await adminContext.newPage();
    await admin.goto(base);
    await expect.poll(() => new URL(admin.url()).pathname).toBe("/setup");

    await admin.getByLabel("Full name").fill(ADMIN.name);
    await admin.getByLabel("Email").fill(ADMIN.email);
    await admin.getByLabel("Password", { exact: true }).fill("short");
    await admin.getByLabel("Repeat password").fill("short");
    await admin.getByRole("button", { name: "Create administrator and sign in" }).click();
    await expect.poll(() => admin.getByText("Password must be at least 12 characters").isVisible()).toBe(true);

    await admin.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await admin.getByLabel("Repeat password").fill(ADMIN.password);
    if (remoteHost) {
      const code = app.logs().match(/setup code: ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})/)?.[1];
      expect(code).toBeDefined();
      await admin.getByLabel("Setup code").fill("AAAA-AAAA");
      await admin.getByRole("button", { name: "Create administrator and sign in" }).click();
      // The server names the field it refuses, so the message stands at the setup code.
      const codeField = admin.getByLabel("Setup code");
      await expect.poll(() => codeField.getAttribute("aria-invalid")).toBe("true");
      await expect.poll(() => admin.getByText("The setup code is not right").isVisible()).toBe(true);
      await admin.getByLabel("Setup code").fill(code!);
    }
    await admin.getByRole("button", { name: "Create administrator and sign in" }).click();

    await expect.poll(() => new URL(admin.url()).pathname, { timeout: 15_000 }).toBe("/backup");
    await expect.poll(() => admin.getByTestId("viewer-name").textContent()).toBe(ADMIN.name);
    expect(await admin.getByTestId("viewer-role").textContent()).toBe("Administrator");
  });

  test("sign out, a wrong password is refused, the right one signs in", async () => {
    const admin = await adminPage();
    await admin.getByRole("button", { name: "Sign out" }).first().click();
    await expect.poll(() => new URL(admin.url()).pathname).toBe("/sign-in");
    await admin.goto(`${base}/backup`);
    await expect.poll(() => new URL(admin.url()).pathname).toBe("/sign-in");

    await signIn(admin, ADMIN.email, "not-the-password-1");
    await expect.poll(() => alertText(admin)).toBe("Wrong email or password.");
    expect(new URL(admin.url()).pathname).toBe("/sign-in");

    await signIn(admin, ADMIN.email, ADMIN.password);
    await expect.poll(() => new URL(admin.url()).pathname).toBe("/backup");
    await expect.poll(() => admin.getByTestId("viewer-name").textContent()).toBe(ADMIN.name);
  });

  test("an administrator adds a user and sets them to read-only", async () => {
    const admin = await adminPage();
    await admin.getByRole("link", { name: "Access" }).first().click();
    await expect.poll(() => new URL(admin.url()).pathname).toBe("/manage/access");
    await admin.getByRole("button", { name: "Add user" }).click();
    await admin.getByLabel("Full name").fill(READER.name);
    await admin.getByLabel("Email").fill(READER.email);
    // Staff, whose role could change the catalogue: what stops them is the read-only access alone.
    await admin.getByLabel("Role", { exact: true }).selectOption("staff");
    await admin.getByLabel("Initial password").fill(READER.password);
    await admin.getByRole("button", { name: "Add user" }).last().click();
    await expect.poll(() => toastText(admin)).toContain(`${READER.name} can now sign in`);

    const access = admin.getByLabel(`Backup Monitor access of ${READER.name}`);
    expect(await access.inputValue()).toBe("write");
    await access.selectOption("read");
    await expect.poll(() => toastText(admin)).toContain("now has read-only access");
    await admin.reload();
    expect(await admin.getByLabel(`Backup Monitor access of ${READER.name}`).inputValue()).toBe("read");
  });

  test("the administrator can register a cartridge", async () => {
    const admin = await adminPage();
    await admin.getByRole("link", { name: "Register tape cartridge" }).click();
    await admin.getByLabel("Barcode label").fill("000123l9");
    await expect.poll(() => admin.getByTestId("label-preview").textContent()).toContain("LTO-9");
    await admin.getByRole("button", { name: "Register cartridge" }).click();
    await expect.poll(() => toastText(admin)).toContain("Cartridge 000123L9 registered");
    expect(await admin.getByTestId("metric-tapes").textContent()).toBe("1");
  });

  test("the read-only user sees no write controls and is refused by write procedures", async () => {
    await adminPage();
    const readerId = await existingUser(adminContext, base, READER, "courier");
    await callTrpc(adminContext, base, "access.setBackupAccess", { userId: readerId, level: "read" }, "mutation");
    await registeredTape(adminContext, base, "000123L9");

    const reader = await (await browser.newContext()).newPage();
    await signIn(reader, READER.email, READER.password);
    await expect.poll(() => new URL(reader.url()).pathname).toBe("/backup");
    expect(await reader.getByTestId("viewer-role").textContent()).toBe("Staff · read-only");
    // The cartridge list loads after the page: it can be browsed read-only.
    await expect.poll(() => reader.getByTestId("tapes-table").getByText("000123L9").count()).toBe(1);
    expect(await reader.getByRole("link", { name: "Register tape cartridge" }).count()).toBe(0);
    expect(await reader.getByTestId("quick-actions").count()).toBe(0);
    expect(await reader.getByRole("link", { name: "Access" }).count()).toBe(0);

    await reader.goto(`${base}/backup/tapes/new`);
    expect(await alertText(reader)).toContain("read-only access");
    expect(await reader.getByLabel("Barcode label").count()).toBe(0);

    const response = await sendTrpc(reader.context(), base, "tapes.register", { barcode: "000999L9" }, "mutation");
    expect(response.status).toBe(403);
    expect(response.body.error?.json.data.code).toBe("FORBIDDEN");

    await reader.goto(`${base}/backup`);
    expect(await reader.getByTestId("metric-tapes").textContent()).toBe("1");
    expect(await reader.getByText("000999L9").count()).toBe(0);
  });
});
