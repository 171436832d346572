import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registeredTape, signInAsFirstAdmin, startCameraPhone, type CameraPhone } from "./harness";

const ADMIN = { name: "Nora Nonstandard", email: "nora@example.com", password: "correct-horse-42" };
// What the camera shows: an in-house label, not an LTO one.
const CAMERA_LABEL = "ACME-0042";
const MISTYPED = "ACME-0024";

let phone: CameraPhone;
let page: Page;
let violations: string[] = [];
let base: string;

beforeAll(async () => {
  phone = await startCameraPhone(CAMERA_LABEL, { width: 1280, height: 900 });
  ({ page, violations, base } = phone);
});

afterAll(async () => {
  await phone?.close();
});

const pathname = () => new URL(page.url()).pathname;
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const batchCount = () => page.getByTestId("batch-item").count();
const signedIn = () => signInAsFirstAdmin(phone.context, phone.app, base, ADMIN);
/** The in-house label registered as the form below registers it, unless it is already. */
const registered = (barcode: string) =>
  registeredTape(phone.context, base, barcode, { nonStandard: true, mediaId: "L7" });

/** Whether the phone's offline catalogue (IndexedDB "backup-monitor", store "catalogue") holds `barcode`. */
function cachedOnPhone(barcode: string): Promise<boolean> {
  return page.evaluate(
    (key) =>
      new Promise<boolean>((resolve, reject) => {
        const open = indexedDB.open("backup-monitor");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const read = open.result.transaction("catalogue").objectStore("catalogue").count(key);
          read.onsuccess = () => {
            open.result.close();
            resolve(read.result > 0);
          };
          read.onerror = () => reject(read.error);
        };
      }),
    barcode,
  );
}

describe("non-standard labels", () => {
  test("an unregistered non-standard label in front of the camera is never read", async () => {
    await signedIn();
    await page.goto(`${base}/backup/scan`);
    await poll(() => page.locator("[data-camera]").getAttribute("data-camera")).toBe("running");
    // The fake camera shows the label after one second; give it several to be sure nothing is taken.
    await page.waitForTimeout(4_000);
    expect(await batchCount()).toBe(0);

    await page.getByLabel("Cartridge label").fill(CAMERA_LABEL.toLowerCase());
    await page.getByLabel("Cartridge label").press("Enter");
    await poll(() => page.locator("#typed-label-error").textContent()).toContain(
      `${CAMERA_LABEL} is not an LTO label, and no cartridge with this non-standard label is registered`,
    );
    expect(await batchCount()).toBe(0);
  });

  test("is registered with the generation chosen by hand, after the form asks for one", async () => {
    await signedIn();
    await page.goto(`${base}/backup/tapes/new`);
    await page.getByLabel("Barcode label").fill(MISTYPED);
    await page.getByRole("button", { name: "Register cartridge" }).click();
    await poll(() => page.locator("#barcode-error").textContent()).toContain("An LTO label has 8 characters");

    await page.getByLabel("Non-standard label").check();
    await page.getByRole("button", { name: "Register cartridge" }).click();
    await poll(() => page.locator("#mediaId-error").textContent()).toBe("Choose the cartridge's generation");

    await page.getByLabel("Generation", { exact: true }).selectOption("L7");
    const preview = page.getByTestId("label-preview");
    await poll(() => preview.textContent()).toContain("LTO-7");
    expect(await preview.textContent()).toContain("6 TB");
    expect(await page.getByLabel("Native capacity (GB)").inputValue()).toBe("6000");
    await page.getByRole("button", { name: "Register cartridge" }).click();

    await poll(pathname).toBe("/backup");
    const row = page.getByTestId("tapes-table").getByRole("row", { name: new RegExp(MISTYPED) });
    await poll(() => row.textContent()).toContain("non-standard label");
    expect(await row.textContent()).toContain("LTO-7 · 6 TB");
  });

  test("the find box opens it; an administrator corrects the mistyped barcode, and the page shows the mark", async () => {
    await signedIn();
    await registered(MISTYPED);
    // Typing into the box before React has hydrated it could be lost.
    await page.goto(`${base}/backup`, { waitUntil: "networkidle" });
    const find = page.getByLabel("Find tape by barcode");
    await find.fill(MISTYPED.toLowerCase());
    await find.press("Enter");
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(MISTYPED);
    expect(await page.getByTestId("non-standard-label").isVisible()).toBe(true);

    await page.getByRole("button", { name: "Correct barcode" }).click();
    const dialog = page.getByRole("dialog", { name: `Correct barcode ${MISTYPED}` });
    await dialog.getByLabel("Corrected barcode").fill("ACME_0042");
    await dialog.getByRole("button", { name: "Correct barcode" }).click();
    // The server names the field it refuses, so the message stands at the corrected barcode.
    await poll(() => dialog.locator("#corrected-barcode-error").textContent()).toContain(
      "only letters A–Z, digits 0–9 and hyphens",
    );

    await dialog.getByLabel("Corrected barcode").fill(CAMERA_LABEL.toLowerCase());
    await dialog.getByLabel("Corrected barcode").press("Enter");
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(CAMERA_LABEL);
    expect(await dialog.isVisible()).toBe(false);
    expect(await page.getByTestId("non-standard-label").isVisible()).toBe(true);
  });

  test("once registered, the camera reads it in two agreeing frames and typing it adds it too", async () => {
    await signedIn();
    await registered(CAMERA_LABEL);
    await page.goto(`${base}/backup/scan`);
    await poll(() => page.locator("[data-camera]").getAttribute("data-camera")).toBe("running");
    await poll(batchCount).toBe(1);
    expect(await page.getByTestId("batch").textContent()).toContain(CAMERA_LABEL);
    // The old barcode names no cartridge any more, once the phone's catalogue has pulled the correction: it is
    // refused like any unknown label. The pull that brings it comes once the change has settled (30 s); rather
    // than wait for the sync timer (a minute), the phone loses and regains its connection, which syncs at once.
    const pulledAgain = async () => {
      await phone.context.setOffline(true);
      await phone.context.setOffline(false);
      return cachedOnPhone(MISTYPED);
    };
    await expect.poll(pulledAgain, { timeout: 90_000, interval: 2_000 }).toBe(false);
    await page.getByLabel("Cartridge label").fill(MISTYPED);
    await page.getByLabel("Cartridge label").press("Enter");
    await poll(() => page.locator("#typed-label-error").textContent()).toContain(`${MISTYPED} is not an LTO label`);

    await page.getByLabel("Cartridge label").fill(` *${CAMERA_LABEL.toLowerCase()}* `);
    await page.getByLabel("Cartridge label").press("Enter");
    // Taken: the field empties and says nothing is wrong; the batch holds the cartridge once.
    await poll(() => page.getByLabel("Cartridge label").inputValue()).toBe("");
    expect(await page.locator("#typed-label-error").count()).toBe(0);
    expect(await batchCount()).toBe(1);
  }, 240_000);

  test("no page broke the Content-Security-Policy", () => {
    expect(violations).toEqual([]);
  });
});
