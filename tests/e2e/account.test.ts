import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { callTrpc, launchBrowser, setUpFirstAdmin, signIn, startApp, toastText, type RunningApp } from "./harness";

const ADMIN = { name: "Avery Ames", email: "avery@example.com", password: "correct-horse-42" };
const NEW_PASSWORD = "vault-rotation-2027";

let app: RunningApp;
let browser: Browser;
let base: string;
let desk: Page;
let phone: BrowserContext;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
  // A fresh server's first page loads its modules, which on a busy machine outlasts a navigation's timeout.
  await fetch(`${base}/setup`, { signal: AbortSignal.timeout(120_000) });
  desk = await (await browser.newContext()).newPage();
  phone = await browser.newContext();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

// Navigations and server round trips on a busy machine can take longer than expect.poll's default second.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const field = (label: string) => desk.getByLabel(label, { exact: true });
const changePassword = () => desk.getByRole("button", { name: "Change password" }).click();
const me = (context: BrowserContext) => callTrpc<{ email: string }>(context, base, "access.me", undefined);

describe("the account page", () => {
  test("is reached from the user's corner of the app and shows who is signed in", async () => {
    await setUpFirstAdmin(desk, base, ADMIN);
    // The same user signed in a second time, as on another device.
    await signIn(await phone.newPage(), base, ADMIN);
    await desk.getByRole("link", { name: "Account", exact: true }).click();
    await poll(() => new URL(desk.url()).pathname).toBe("/account");
    const account = desk.getByRole("region", { name: "Your account" });
    expect(await account.textContent()).toContain(ADMIN.email);
    expect(await account.textContent()).toContain("Administrator");
  });

  test("says what is wrong with each field, and a wrong current password changes nothing", async () => {
    await changePassword();
    await poll(() => desk.getByText("Enter your current password").isVisible()).toBe(true);

    await field("Current password").fill(ADMIN.password);
    await field("New password").fill("short1");
    await field("Repeat new password").fill("short2");
    await changePassword();
    await poll(() => desk.getByText("Password must be at least 12 characters").isVisible()).toBe(true);
    expect(await desk.getByText("The passwords do not match").isVisible()).toBe(true);

    await field("Current password").fill("not-my-password-1");
    await field("New password").fill(NEW_PASSWORD);
    await field("Repeat new password").fill(NEW_PASSWORD);
    await changePassword();
    await poll(() => field("Current password").getAttribute("aria-invalid")).toBe("true");
    expect(await desk.getByText("Your current password is not right").isVisible()).toBe(true);
    expect(await me(phone)).toMatchObject({ email: ADMIN.email });
  });

  test("a new password signs out the user's other sessions, keeps this one, and is the one that signs in", async () => {
    await field("Current password").fill(ADMIN.password);
    await changePassword();
    await poll(() => toastText(desk)).toContain("Password changed. 1 other session was signed out.");
    expect(await field("Current password").inputValue()).toBe("");

    await expect(me(phone)).rejects.toThrow(/answered 401/);
    const phonePage = phone.pages()[0]!;
    await phonePage.goto(`${base}/backup`);
    await poll(() => new URL(phonePage.url()).pathname).toBe("/sign-in");

    expect(await me(desk.context())).toMatchObject({ email: ADMIN.email });
    await desk.reload();
    expect(new URL(desk.url()).pathname).toBe("/account");

    const fresh = await browser.newContext();
    await signIn(await fresh.newPage(), base, { email: ADMIN.email, password: NEW_PASSWORD });
    expect(await me(fresh)).toMatchObject({ email: ADMIN.email });
  });
});
