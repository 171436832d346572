import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { callTrpc, launchBrowser, setUpFirstAdmin, signIn, startApp, toastText, type RunningApp } from "./harness";

const ADMIN = { name: "Ada Admin", email: "ada@example.com", password: "correct-horse-42" };
const STAFF = { name: "Sam Staff", email: "sam@example.com", password: "battery-staple-77" };
const COURIER = { name: "Carl Courier", email: "carl@example.com", password: "staple-battery-99" };
const LABEL = "300001L9";

let app: RunningApp;
let browser: Browser;
let base: string;
let admin: { context: BrowserContext; page: Page };
let tapeId: string;

async function newPage() {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url();
  admin = await newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** The page's own alerts, not Next.js's route announcer (which also has role=alert). */
const alertText = (page: Page) => page.locator('[role="alert"]:not(#__next-route-announcer__)').first().textContent();
const eventually = <T>(value: () => T | Promise<T>) => expect.poll(value, { timeout: 10_000 });
const count = (page: Page, role: "button" | "link", name: string) =>
  page.getByRole(role, { name, exact: true }).count();

describe("what each role is offered", () => {
  test("the first administrator registers a cartridge and adds staff and a courier", async () => {
    await setUpFirstAdmin(admin.page, base, ADMIN);
    tapeId = (await callTrpc<{ id: string }>(admin.context, base, "tapes.register", { barcode: LABEL }, "mutation")).id;
    for (const [user, role] of [
      [STAFF, "staff"],
      [COURIER, "courier"],
    ] as const) {
      await callTrpc(admin.context, base, "access.createUser", { ...user, role }, "mutation");
    }
  });

  test("a courier sees no catalogue or job edits, only the location and hand-off forms, and is told why elsewhere", async () => {
    const { page } = await newPage();
    await signIn(page, base, COURIER);
    expect(await page.getByTestId("viewer-role").textContent()).toBe("Courier");
    await eventually(() => page.getByTestId("tapes-table").getByText(LABEL).count()).toBe(1);
    expect(await page.getByTestId("quick-actions").count()).toBe(0);
    expect(await count(page, "link", "Register tape cartridge")).toBe(0);
    expect(await count(page, "link", "Log backup job")).toBe(0);
    expect(await page.getByRole("button", { name: `Delete ${LABEL}` }).count()).toBe(0);
    // Manage pages they cannot use are not offered.
    for (const name of ["Access", "Audit log", "Backup"]) expect(await count(page, "link", name), name).toBe(0);

    await page.goto(`${base}/backup/tapes/${tapeId}`);
    await eventually(() => count(page, "button", "Log Location")).toBe(1);
    expect(await count(page, "button", "Record Custody Event")).toBe(1);
    for (const name of ["Delete", "Correct barcode"]) expect(await count(page, "button", name), name).toBe(0);
    expect(await count(page, "link", "Edit")).toBe(0);

    await page.goto(`${base}/backup/tapes/new`);
    await eventually(() => alertText(page)).toBe("As a courier you cannot register or edit cartridges.");
    expect(await page.getByLabel("Barcode label").count()).toBe(0);

    await page.goto(`${base}/manage/access`);
    await eventually(() => alertText(page)).toContain("As a courier you cannot manage users and their access.");
  });

  test("staff see the catalogue's and jobs' controls, but not an administrator's", async () => {
    const { page } = await newPage();
    await signIn(page, base, STAFF);
    await eventually(() => page.getByTestId("tapes-table").getByText(LABEL).count()).toBe(1);
    expect(await count(page, "link", "Register tape cartridge")).toBe(1);
    expect(await count(page, "link", "Log backup job")).toBe(1);
    expect(await page.getByRole("button", { name: `Delete ${LABEL}` }).count()).toBeGreaterThan(0);
    for (const name of ["Access", "Audit log", "Backup"]) expect(await count(page, "link", name), name).toBe(0);

    await page.goto(`${base}/backup/tapes/${tapeId}`);
    await eventually(() => count(page, "button", "Delete")).toBe(1);
    expect(await count(page, "link", "Edit")).toBe(1);
    expect(await count(page, "button", "Log Location")).toBe(1);
    expect(await count(page, "button", "Correct barcode")).toBe(0);
  });

  test("an administrator marks staff as approvers on Manage → Access; couriers cannot be marked", async () => {
    const { page } = admin;
    await page.goto(`${base}/manage/access`);
    const staffMark = page.getByLabel(`${STAFF.name} approves`);
    await eventually(() => staffMark.isEnabled()).toBe(true);
    expect(await staffMark.isChecked()).toBe(false);
    expect(await page.getByLabel(`${COURIER.name} approves`).isDisabled()).toBe(true);
    expect(await page.getByLabel(`${ADMIN.name} approves`).isChecked()).toBe(true);

    // The box shows the stored mark: it turns checked once the server has recorded it.
    await staffMark.click();
    await eventually(() => toastText(page)).toContain(`${STAFF.name} can now approve.`);
    await page.reload();
    await eventually(() => page.getByLabel(`${STAFF.name} approves`).isChecked()).toBe(true);
  });
});
