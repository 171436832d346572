import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  callTrpc,
  existingUser,
  registeredTape,
  signIn,
  signInAsFirstAdmin,
  startCameraPhone,
  type CameraPhone,
  untilControlled,
} from "./harness";

const ADMIN = { name: "Cora Courier", email: "cora@example.com", password: "correct-horse-42" };
const CAMERA_LABEL = "CAM001L9";
const TYPED_LABEL = "USB002L9";
const OTHER = { name: "Olly Other", email: "olly@example.com", password: "another-horse-42" };

let phone: CameraPhone;
let context: BrowserContext;
let page: Page;
let violations: string[] = [];
let base: string;

beforeAll(async () => {
  phone = await startCameraPhone(CAMERA_LABEL, { width: 420, height: 900 });
  ({ context, page, violations, base } = phone);
});

afterAll(async () => {
  await phone?.close();
});

const visible = (testId: string) => page.locator(`[data-testid="${testId}"]:visible`).first();

type StoredTape = {
  custodyEvents: { id: string; signature: string | null }[];
  locations: { id: string; kind: string; isCurrent: boolean }[];
};
const tapeNamed = async (barcode: string) => {
  const { id } = (await callTrpc<{ id: string }>(context, base, "tapes.byBarcode", { barcode }))!;
  return { id, tape: await callTrpc<StoredTape>(context, base, "tapes.get", { id }) };
};

/**
 * The scan screen, signed in as the administrator with both cartridges registered, controlled by the service
 * worker (so it reloads offline): opened unless the page is on it already.
 */
async function openScanScreen() {
  await signInAsFirstAdmin(context, phone.app, base, ADMIN);
  for (const barcode of [CAMERA_LABEL, TYPED_LABEL]) await registeredTape(context, base, barcode);
  if (page.url() !== `${base}/backup/scan`) await page.goto(`${base}/backup/scan`);
  await untilControlled(page);
}

describe("the field app", () => {
  test("is installable and works from the service worker", async () => {
    await openScanScreen();

    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as {
      installabilityErrors: unknown[];
    };
    expect(installabilityErrors).toEqual([]);
  });

  test("a label shown to the camera joins the batch within a second", async () => {
    await openScanScreen();
    await expect
      .poll(() => page.locator("[data-camera]").getAttribute("data-camera"), { timeout: 15_000 })
      .toBe("running");
    const started = Date.now();
    await expect.poll(() => page.getByTestId("batch-item").count(), { timeout: 10_000, interval: 50 }).toBe(1);
    // The fake camera shows an empty scene for 1 s, then the label; the first correct read must follow within 1 s.
    expect(Date.now() - started).toBeLessThan(1_000 + 1_000 + 500);
    expect(await page.getByTestId("batch").textContent()).toContain(CAMERA_LABEL);
    // The catalogue cache knows the cartridge.
    await expect.poll(() => page.getByTestId("batch").textContent()).toContain("Empty");
  });

  test("offline: scan two cartridges, sign a hand-off, see 2 waiting, reload, then sync exactly once", async () => {
    await openScanScreen();
    // The camera has read its label, as above.
    await expect.poll(() => page.getByTestId("batch-item").count(), { timeout: 10_000 }).toBe(1);
    await context.setOffline(true);
    await page.getByRole("button", { name: "Clear" }).click();
    // The camera still sees its label: after a new batch it is read again.
    await expect.poll(() => page.getByTestId("batch-item").count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel("Cartridge label").fill(TYPED_LABEL.toLowerCase());
    await page.getByLabel("Cartridge label").press("Enter");
    await expect.poll(() => page.getByTestId("batch-item").count()).toBe(2);

    await page.getByRole("tab", { name: "Hand-off with signature" }).click();
    await page.getByLabel("From", { exact: true }).fill("Data centre");
    await page.getByLabel("To", { exact: true }).fill("Iron Vault courier");
    await page.getByLabel("Signer name", { exact: true }).fill("Vic Vault");
    const canvas = page.locator("canvas#handoff-signature");
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 60);
    await page.mouse.down();
    for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 25, box.y + 60 + (i % 2 ? -25 : 25));
    await page.mouse.up();
    await page.getByRole("button", { name: "Record hand-off for 2 cartridges" }).click();

    await expect.poll(() => visible("sync-summary").textContent()).toContain("2 waiting");
    expect(await visible("sync-summary").textContent()).toContain("Offline");

    await page.reload();
    await expect.poll(() => visible("sync-summary").textContent(), { timeout: 10_000 }).toContain("2 waiting");

    await context.setOffline(false);
    await expect.poll(() => visible("sync-summary").textContent(), { timeout: 30_000 }).toContain("All synced");

    for (const barcode of [CAMERA_LABEL, TYPED_LABEL]) {
      const { id, tape } = await tapeNamed(barcode);
      expect(tape.custodyEvents).toHaveLength(1);
      expect(tape.custodyEvents[0]).toMatchObject({
        fromParty: "Data centre",
        toParty: "Iron Vault courier",
        signerName: "Vic Vault",
      });
      expect(tape.custodyEvents[0]!.signature).toMatch(/^data:image\/png;base64,/);

      const trail = await (
        await context.request.get(`${base}/backup/audit/custody/${tape.custodyEvents[0]!.id}`)
      ).json();
      expect(trail.items).toHaveLength(1);
      expect(trail.items[0].action).toBe("create");
      await page.goto(`${base}/backup/tapes/${id}`);
      expect(await page.getByTestId("custody-event").count()).toBe(1);
    }
  });

  test("a session that ends offline: sync waits for the same user to sign in again, and the event stays theirs", async () => {
    await openScanScreen();
    await existingUser(context, base, OTHER, "courier");
    await page.goto(`${base}/backup/scan`);
    await context.setOffline(true);
    await expect.poll(() => page.getByTestId("batch-item").count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole("button", { name: "Log location for 1 cartridge" }).click();
    await expect.poll(() => visible("sync-summary").textContent()).toContain("1 waiting");

    // The session ends while the phone is offline; the phone learns it on its next push.
    await context.clearCookies();
    await context.setOffline(false);
    const signInAgain = page.getByRole("link", { name: "Sign in again to sync" }).first();
    await expect.poll(() => signInAgain.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await visible("sync-summary").textContent()).toContain("1 waiting");

    // Someone else signs in on this phone: the waiting event is not theirs to push.
    await signIn(page, base, OTHER);
    await expect.poll(() => visible("sync-summary").textContent(), { timeout: 15_000 }).toContain("All synced");
    await page.goto(`${base}/backup/outbox`);
    await expect
      .poll(() => page.getByText("1 recorded here by another user wait until they sign in on this device.").isVisible())
      .toBe(true);
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sync now" }).isEnabled()).toBe(true);
    expect((await tapeNamed(CAMERA_LABEL)).tape.locations).toHaveLength(0);

    // The courier who recorded it signs in again: it syncs, once, as theirs.
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/sign-in");
    await signIn(page, base, ADMIN, "/backup/outbox");
    expect(new URL(page.url()).pathname).toBe("/backup/outbox");
    await expect.poll(() => visible("sync-summary").textContent(), { timeout: 30_000 }).toContain("All synced");

    const { tape } = await tapeNamed(CAMERA_LABEL);
    expect(tape.locations).toHaveLength(1);
    expect(tape.locations[0]).toMatchObject({ kind: "in_transit", isCurrent: true });
    const trail = await (await context.request.get(`${base}/backup/audit/location/${tape.locations[0]!.id}`)).json();
    expect(trail.items).toHaveLength(1);
    expect(trail.items[0].actor.name).toBe(ADMIN.name);
  });

  test("no page broke the Content-Security-Policy, camera and decoder included", () => {
    expect(violations).toEqual([]);
  });
});
