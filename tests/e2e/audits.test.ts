import { request, type APIRequestContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  callTrpc,
  signIn,
  signInAsFirstAdmin,
  startCameraPhone,
  toastText,
  untilControlled,
  type CameraPhone,
} from "./harness";
import { pdfPages } from "../helpers/pdf-text";

const ADMIN = { name: "Ada Office", email: "ada@example.com", password: "correct-horse-42" };
/** On the audited shelf and filmed by the camera. */
const PRESENT = "AUD001L9";
/** On the audited shelf, and never found. */
const MISSING = "AUD002L9";
/** Recorded at the vault, found on the shelf. */
const MISPLACED = "ELS003L9";
/** On the shelf, and no cartridge has the label. */
const UNKNOWN = "UNK004L9";
const SHELF = "B-2";

let phone: CameraPhone;
let office: APIRequestContext;
let base: string;

beforeAll(async () => {
  phone = await startCameraPhone(PRESENT, { width: 420, height: 900 });
  base = phone.base;
  office = await request.newContext();
  await signInAsFirstAdmin(office, phone.app, base, ADMIN);
  const call = <T>(path: string, input: unknown) => callTrpc<T>(office, base, path, input, "mutation");
  const hq = await call<{ id: string }>("sites.create", { name: "Head office", kind: "on_site" });
  const vault = await call<{ id: string }>("sites.create", { name: "Iron Vault", kind: "off_site" });
  for (const [barcode, siteId, shelf] of [
    [PRESENT, hq.id, SHELF],
    [MISSING, hq.id, SHELF],
    [MISPLACED, vault.id, "V-9"],
  ] as const) {
    const tape = await call<{ id: string }>("tapes.register", { barcode });
    await call("locations.log", { tapeId: tape.id, kind: siteId === hq.id ? "on_site" : "off_site", siteId, shelf });
  }
});

afterAll(async () => {
  await office?.dispose();
  await phone?.close();
});

async function type(page: Page, label: string) {
  await page.getByLabel("Cartridge label").fill(label);
  await page.getByLabel("Cartridge label").press("Enter");
}
const count = (page: Page, name: string) => page.getByTestId(`count-${name}`).first().textContent();
const announced = (page: Page) => page.getByTestId("read-announcement").textContent();

type Audit = { number: string; state: string; counts: Record<string, number> };

describe("an inventory audit of a shelf", () => {
  test("started, scanned with the camera and by hand (partly offline), closed and corrected; the report says what was found", async () => {
    const { page, context } = phone;

    // Started from the form: the shelf's two cartridges are expected.
    await signIn(page, base, ADMIN, "/backup/audits/new");
    const site = page.getByRole("combobox", { name: "Site" });
    // Typed into before the page is interactive, the text would be lost: the picker says when it is ready.
    await expect
      .poll(() => site.getAttribute("placeholder"), { timeout: 90_000 })
      .toBe("Type a name or scan a site label");
    await site.fill("Head office");
    await site.press("Enter");
    await expect.poll(() => site.inputValue()).toBe("Head office");
    await page.getByLabel("Shelf (optional)").fill(SHELF);
    await page.getByRole("button", { name: "Start the audit" }).click();
    await page.waitForURL(/\/backup\/audits\/[0-9a-f-]{36}$/);
    const auditId = page.url().split("/").pop()!;
    await expect.poll(() => count(page, "expected")).toBe("2");
    const number = (await page.getByRole("heading", { level: 1 }).textContent())!;
    expect(number).toMatch(/^I-\d{4}-0001$/);

    // The phone's scan screen lists it once the device has pulled it; its service worker takes over.
    await page.goto(`${base}/backup/scan`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const scanLink = page.getByTestId("field-audits").getByRole("link", { name: `Scan for ${number}` });
    await expect.poll(() => scanLink.isVisible(), { timeout: 30_000 }).toBe(true);
    await untilControlled(page);
    await scanLink.click();

    // The camera reads the shelf's label; a cartridge from the vault is typed (as a USB scanner would).
    await expect.poll(() => count(page, "present"), { timeout: 30_000 }).toBe("1");
    await type(page, MISPLACED);
    await expect.poll(() => count(page, "misplaced")).toBe("1");
    expect(await announced(page)).toBe(
      `${MISPLACED} is misplaced: the catalogue has it elsewhere (Off site, Iron Vault).`,
    );

    await expect
      .poll(() => page.getByTestId("audit-waiting").textContent(), { timeout: 30_000 })
      .toContain("Every scan from this device has reached the server");

    // Without signal the scan screen goes on from the device's cache.
    await context.setOffline(true);
    await page.reload();
    await expect.poll(() => count(page, "expected"), { timeout: 30_000 }).toBe("2");
    await type(page, UNKNOWN);
    await expect.poll(() => count(page, "unknown")).toBe("1");
    await expect.poll(() => page.getByTestId("audit-waiting").textContent()).toContain("1 scan on this device waiting");
    await type(page, PRESENT.toLowerCase());
    await expect.poll(() => announced(page)).toBe(`${PRESENT} is already scanned: it counts once.`);
    expect(await count(page, "present")).toBe("1");
    expect(await page.getByTestId("unscanned-list").textContent()).toBe(MISSING);

    await context.setOffline(false);
    await expect
      .poll(() => page.getByTestId("audit-waiting").textContent(), { timeout: 30_000 })
      .toContain("Every scan from this device has reached the server");

    // A scan made offline after the office closed the audit is refused, and the Outbox says why.
    await context.setOffline(true);
    await callTrpc(office, base, "audits.close", { id: auditId }, "mutation");
    await type(page, MISSING);
    await expect.poll(() => page.getByTestId("audit-waiting").textContent()).toContain("1 scan on this device waiting");
    await context.setOffline(false);
    await page.goto(`${base}/backup/outbox`);
    await expect
      .poll(() => page.locator("main").textContent(), { timeout: 30_000 })
      .toMatch(new RegExp(`Audit ${number} was closed by ${ADMIN.name} at .*this scan was not counted`));

    // The audit's page counts one of each; the corrections are applied once, confirmed first.
    await page.goto(`${base}/backup/audits/${auditId}`);
    for (const [name, value] of [
      ["expected", "2"],
      ["present", "1"],
      ["misplaced", "1"],
      ["unknown", "1"],
      ["missing", "1"],
    ] as const)
      await expect.poll(() => count(page, name)).toBe(value);
    expect(await page.getByTestId("misplaced-list").textContent()).toContain("Iron Vault");
    await page.getByRole("button", { name: "Apply corrections" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Apply corrections" }).click();
    await expect.poll(() => toastText(page)).toContain(`The corrections of ${number} are applied.`);
    await expect.poll(() => page.getByRole("button", { name: "Apply corrections" }).count()).toBe(0);

    const audit = await callTrpc<Audit>(office, base, "audits.get", { id: auditId });
    expect(audit).toMatchObject({
      state: "closed",
      counts: { expected: 2, present: 1, misplaced: 1, unknown: 1, missing: 1 },
    });

    // The report, downloaded as the office does.
    const response = await office.get(`${base}/backup/audits/${auditId}/report`);
    expect(response.status()).toBe(200);
    const report = (await pdfPages(await response.body())).join("\n");
    expect(report).toContain(number);
    expect(report).toMatch(/Site\s+Head office/);
    expect(report).toMatch(new RegExp(`Scope\\s+shelf ${SHELF}`));
    for (const [label, value] of [
      ["Expected", 2],
      ["Present", 1],
      ["Misplaced", 1],
      ["Unknown", 1],
      ["Missing", 1],
    ])
      expect(report).toMatch(new RegExp(`${label}\\s+${value}`));
    const row = (barcode: string) => report.split("\n").find((line) => line.includes(barcode)) ?? "";
    expect(row(PRESENT)).toMatch(/Present/);
    expect(row(MISPLACED)).toMatch(/Misplaced.*Iron Vault/);
    expect(row(UNKNOWN)).toMatch(/Unknown/);
    expect(row(MISSING)).toMatch(/Missing/);

    // A shelf is not the whole site: Head office's inventory is still due.
    await page.goto(`${base}/manage/sites`);
    await expect.poll(() => page.locator("main").textContent()).toContain("Inventory due");
  });

  test("no page broke the Content-Security-Policy, camera and offline shell included", () => {
    expect(phone.violations).toEqual([]);
  });
});
