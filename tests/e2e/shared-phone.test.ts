import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signatureImage } from "../factories/signature";
import {
  callTrpc,
  CHROMIUM_PATH,
  chromiumArgs,
  recordPolicyViolations,
  existingUser,
  registeredTape,
  setUpFirstAdmin,
  signIn,
  startApp,
  type RunningApp,
  untilControlled,
} from "./harness";

const ALICE = { name: "Alice Admin", email: "alice@example.com", password: "correct-horse-42" };
const BOB = { name: "Bob Courier", email: "bob@example.com", password: "another-horse-42" };
const LABELS = ["SHR001L9", "SHR002L9"];
const SIGNER = "Vic Vault";

let app: RunningApp;
let context: BrowserContext;
let page: Page;
let base: string;
let violations: string[] = [];
let ids: string[] = [];
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-shared-"));

beforeAll(async () => {
  // One browser profile, as one phone shared by two couriers.
  [app, context] = await Promise.all([
    startApp(),
    chromium.launchPersistentContext(path.join(workDir, "profile"), {
      viewport: { width: 420, height: 900 },
      executablePath: CHROMIUM_PATH,
      args: chromiumArgs(),
    }),
  ]);
  base = app.url();
  violations = recordPolicyViolations(context);
  page = await context.newPage();
});

afterAll(async () => {
  await context?.close();
  await app?.stop();
  fs.rmSync(workDir, { recursive: true, force: true });
});

const summary = () => page.locator('[data-testid="sync-summary"]:visible').first().textContent();

/** What the device's IndexedDB holds: cached cartridges, who the device belongs to, and the queued events' authors. */
function deviceStore() {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open("backup-monitor");
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const all = <T>(store: string) =>
      new Promise<T[]>((resolve, reject) => {
        const request = db.transaction(store).objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result as T[]);
        request.onerror = () => reject(request.error);
      });
    const meta = await all<{ key: string; value: { name?: string } }>("meta");
    const result = {
      catalogue: (await all("catalogue")).length,
      deviceUser: meta.find((row) => row.key === "deviceUser")?.value.name ?? null,
      outbox: (await all<{ userName?: string }>("outbox")).map((row) => row.userName),
    };
    db.close();
    return result;
  });
}

async function locationsOf(id: string) {
  return (await callTrpc<{ locations: { id: string; kind: string }[] }>(context, base, "tapes.get", { id })).locations;
}

/**
 * Alice queues two location entries offline and signs out while they still wait, with what the device must
 * show and keep on the way: where the tests below start.
 */
async function aliceQueuesEventsAndSignsOut() {
  // Signed in by the page itself: the sign-out below must end the very session the browser holds.
  await setUpFirstAdmin(page, base, ALICE);
  ids = [];
  for (const barcode of LABELS) ids.push(await registeredTape(context, base, barcode));
  await existingUser(context, base, BOB, "courier");
  await callTrpc(
    context,
    base,
    "custody.record",
    { tapeId: ids[0], fromParty: "Data centre", toParty: "Courier", signerName: SIGNER, signature: signatureImage() },
    "mutation",
  );

  await page.goto(`${base}/backup/scan`);
  await untilControlled(page);
  await page.goto(`${base}/backup/tapes/${ids[0]}`);
  await expect.poll(() => page.getByAltText(`Signature of ${SIGNER}`).isVisible()).toBe(true);

  await page.goto(`${base}/backup/scan`);
  await expect.poll(() => summary()).toContain("All synced");
  expect((await deviceStore()).catalogue).toBe(2);
  const otherTab = await context.newPage();
  await otherTab.goto(`${base}/backup/outbox`);

  await context.setOffline(true);
  for (const barcode of LABELS) {
    await page.getByLabel("Cartridge label").fill(barcode);
    await page.getByLabel("Cartridge label").press("Enter");
  }
  await page.getByRole("button", { name: "Log location for 2 cartridges" }).click();
  await expect.poll(() => summary()).toContain("2 waiting");

  // Offline the session cannot be ended, so nothing is cleared.
  await page.getByRole("button", { name: "Sign out" }).first().click();
  const dialog = page.getByRole("dialog");
  await expect
    .poll(() => dialog.getByTestId("sign-out-warning").textContent())
    .toContain("2 events you recorded are waiting to sync");
  await dialog.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => dialog.getByRole("alert").textContent()).toContain("needs a connection");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect((await deviceStore()).catalogue).toBe(2);

  // Back online but the pushes do not get through (a weak signal): the events are still waiting at sign-out.
  await context.route("**/api/trpc/sync.push**", (route) => route.abort());
  await context.setOffline(false);
  await page.getByRole("button", { name: "Sign out" }).first().click();
  await expect.poll(() => dialog.getByTestId("sign-out-warning").textContent()).toContain("2 events");
  await dialog.getByRole("button", { name: "Sign out" }).click();
  await expect.poll(() => new URL(page.url()).pathname).toBe("/sign-in");
  await context.unroute("**/api/trpc/sync.push**");

  // The other tab left with her.
  await expect.poll(() => new URL(otherTab.url()).pathname).toBe("/sign-in");
  await otherTab.close();

  expect(await deviceStore()).toEqual({ catalogue: 0, deviceUser: null, outbox: [ALICE.name, ALICE.name] });
  const caches = await page.evaluate(
    async (id) => ({
      names: await self.caches.keys(),
      tapePage: (await self.caches.match(`/backup/tapes/${id}`, { ignoreSearch: true })) !== undefined,
    }),
    ids[0]!,
  );
  expect(caches.tapePage).toBe(false);
  expect(caches.names.every((name) => name.startsWith("workbox-precache") || name === "static-assets")).toBe(true);

  // The signed hand-off does not open from any cache: offline the device shows nobody's data...
  await context.setOffline(true);
  await page.goto(`${base}/backup/tapes/${ids[0]}`);
  await expect.poll(() => page.getByRole("heading", { name: "Signed out" }).isVisible()).toBe(true);
  expect(await page.getByAltText(`Signature of ${SIGNER}`).count()).toBe(0);
  expect(await page.content()).not.toContain(ALICE.name);
  // ...and online it asks for a sign-in.
  await context.setOffline(false);
  await page.goto(`${base}/backup/tapes/${ids[0]}`);
  await expect.poll(() => new URL(page.url()).pathname).toBe("/sign-in");
}

/** Alice's events waiting on the device, as the test above leaves them; queued again if they are not. */
async function aliceEventsWaiting() {
  if (page.url().startsWith(base) && (await deviceStore()).outbox.length > 0) return;
  await aliceQueuesEventsAndSignsOut();
}

describe("two users on one phone", () => {
  test("Alice queues events offline and is warned at sign-out; nothing of hers stays readable", async () => {
    await aliceQueuesEventsAndSignsOut();
  });

  test("Bob signs in on the same profile: none of Alice's data, and her events are not sent under his session", async () => {
    await aliceEventsWaiting();
    await signIn(page, base, BOB, "/backup/scan");
    expect(await page.locator('[data-testid="viewer-name"]').first().textContent()).toBe(BOB.name);
    await expect.poll(() => summary(), { timeout: 30_000 }).toContain("All synced");
    expect(await deviceStore()).toMatchObject({ deviceUser: BOB.name, outbox: [ALICE.name, ALICE.name] });

    await page.goto(`${base}/backup/outbox`);
    await expect.poll(() => page.getByTestId("waiting-for").textContent()).toBe("2 waiting for Alice Admin to sign in");
    await page.getByRole("button", { name: "Sync now" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Sync now" }).isEnabled()).toBe(true);
    for (const id of ids) expect(await locationsOf(id)).toHaveLength(0);

    // Nothing of his is waiting: no warning.
    await page.getByRole("button", { name: "Sign out" }).first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe("/sign-in");
  });

  test("Alice signs in again: her events are applied exactly once, as hers", async () => {
    await aliceEventsWaiting();
    await signIn(page, base, ALICE, "/backup/outbox");
    await expect.poll(() => summary(), { timeout: 30_000 }).toContain("All synced");
    expect((await deviceStore()).outbox).toEqual([]);
    for (const id of ids) {
      const locations = await locationsOf(id);
      expect(locations).toHaveLength(1);
      expect(locations[0]).toMatchObject({ kind: "in_transit" });
      const trail = await (await context.request.get(`${base}/backup/audit/location/${locations[0]!.id}`)).json();
      expect(trail.items).toHaveLength(1);
      expect(trail.items[0].actor.name).toBe(ALICE.name);
    }
  });

  test("no page broke the Content-Security-Policy", () => {
    expect(violations).toEqual([]);
  });
});
