import { request, type APIRequestContext, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  callTrpc,
  existingUser,
  launchBrowser,
  recordPolicyViolations,
  signIn,
  signInAsFirstAdmin,
  signInOverHttp,
  startCameraPhone,
  toastText,
  type CameraPhone,
  untilControlled,
} from "./harness";
import { pdfPages } from "../helpers/pdf-text";

const ADMIN = { name: "Ada Office", email: "ada@example.com", password: "correct-horse-42" };
const APPROVER = { name: "Abe Approver", email: "abe@example.com", password: "approver-horse-42" };
const COURIER = { name: "Cora Courier", email: "cora@example.com", password: "courier-horse-42" };
const KEEPER = { name: "Kit Keeper", email: "kit@example.com", password: "keeper-horse-42" };
/** The camera films this one; the next is typed; the third stays behind; the last is not on the list. */
const CAMERA_LABEL = "CAM001L9";
const TYPED_LABEL = "TYP002L9";
const MISSING_LABEL = "MIS003L9";
const STRAY_LABEL = "UNX004L9";
const SEAL = "S-1001";

let phone: CameraPhone;
let browser: Browser;
let office: APIRequestContext;
let keeper: BrowserContext;
let base: string;
let consignmentId: string;
let violations: string[] = [];
let keeperViolations: string[] = [];

beforeAll(async () => {
  [phone, browser] = await Promise.all([startCameraPhone(CAMERA_LABEL, { width: 420, height: 900 }), launchBrowser()]);
  base = phone.base;
  violations = phone.violations;
  office = await request.newContext();
  keeper = await browser.newContext({ viewport: { width: 420, height: 900 } });
  keeperViolations = recordPolicyViolations(keeper);

  // The office plans the case: two sites, four cartridges at the one it leaves from, three of them on the list.
  await signInAsFirstAdmin(office, phone.app, base, ADMIN);
  const call = <T>(path: string, input: unknown) => callTrpc<T>(office, base, path, input, "mutation");
  const approverId = await existingUser(office, base, APPROVER, "staff");
  await call("access.setApprover", { userId: approverId, approver: true });
  await existingUser(office, base, COURIER, "courier");
  await existingUser(office, base, KEEPER, "custodian");
  const from = await call<{ id: string }>("sites.create", { name: "Head office", kind: "on_site" });
  const to = await call<{ id: string }>("sites.create", { name: "Iron Vault", kind: "off_site" });
  const tapeIds: Record<string, string> = {};
  for (const barcode of [CAMERA_LABEL, TYPED_LABEL, MISSING_LABEL, STRAY_LABEL]) {
    tapeIds[barcode] = (await call<{ id: string }>("tapes.register", { barcode })).id;
    await call("locations.log", { tapeId: tapeIds[barcode], kind: "on_site", siteId: from.id });
  }
  const consignment = await call<{ id: string }>("consignments.create", {
    fromSiteId: from.id,
    toSiteId: to.id,
    containerId: "Case 7",
    tapeIds: [CAMERA_LABEL, TYPED_LABEL, MISSING_LABEL].map((barcode) => tapeIds[barcode]),
  });
  consignmentId = consignment.id;
  await call("consignments.submit", { id: consignmentId });
  // Nobody approves what they submitted: another approver does.
  const approver = await request.newContext();
  await signInOverHttp(approver, base, APPROVER);
  await callTrpc(approver, base, "consignments.approve", { id: consignmentId }, "mutation");
  await approver.dispose();
});

afterAll(async () => {
  await office?.dispose();
  await browser?.close();
  await phone?.close();
});

const summary = (page: Page) => page.locator('[data-testid="sync-summary"]:visible').first().textContent();

/** Draws a stroke on the signature pad with this id. */
async function sign(page: Page, id: string) {
  const canvas = page.locator(`canvas#${id}`);
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + 60);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 25, box.y + 60 + (i % 2 ? -25 : 25));
  await page.mouse.up();
}

async function type(page: Page, label: string) {
  await page.getByLabel("Cartridge label").fill(label);
  await page.getByLabel("Cartridge label").press("Enter");
}

type Consignment = {
  number: string;
  state: string;
  sealNumbers: string[];
  receivedSealNumbers: string[];
  courierName: string | null;
  receiverName: string | null;
  dispatchedByName: string | null;
  receivedByName: string | null;
  lines: { tape: { barcode: string }; unexpected: boolean; outcome: string; incident: string | null }[];
};

describe("a consignment scanned out and in on phones", () => {
  test("a courier dispatches offline with one cartridge missing, a custodian receives it, the office sees the incident", async () => {
    const { page, context } = phone;
    const dispatchUrl = `${base}/backup/consignments/${consignmentId}/dispatch`;

    // Online once: the phone pulls the consignment and its service worker takes over.
    await signIn(page, base, COURIER, "/backup/scan");
    await page.evaluate(() => navigator.serviceWorker.ready);
    const toDispatch = page.getByTestId("field-consignments").getByRole("link", { name: /Scan out/ });
    await expect.poll(() => toDispatch.isVisible(), { timeout: 30_000 }).toBe(true);
    await untilControlled(page);

    // Offline from here: the screen opens from the app shell and the device's cache.
    await context.setOffline(true);
    await page.goto(dispatchUrl);
    await expect
      .poll(() => page.getByRole("heading", { name: /^Dispatch C-\d{4}-0001$/ }).isVisible(), { timeout: 30_000 })
      .toBe(true);
    expect(await page.getByTestId("count-expected").textContent()).toBe("3");

    // The camera reads its label; the next is typed (as a USB scanner would); a stray one is left out.
    await expect.poll(() => page.getByTestId("count-scanned").textContent(), { timeout: 15_000 }).toBe("1");
    await type(page, TYPED_LABEL.toLowerCase());
    await expect.poll(() => page.getByTestId("count-scanned").textContent()).toBe("2");
    await type(page, STRAY_LABEL);
    await expect
      .poll(() => page.getByTestId("read-announcement").textContent())
      .toBe(`${STRAY_LABEL} is not expected in this case: add it or leave it out.`);
    expect(await page.getByTestId("missing-list").textContent()).toBe(MISSING_LABEL);

    await page.getByLabel("Seal 1").fill(SEAL);
    await page.getByLabel("Courier name").fill(COURIER.name);
    await sign(page, "dispatch-signature");
    // A stray cartridge must be decided on before the case is signed for.
    await page.getByRole("button", { name: "Dispatch 2 cartridges" }).click();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: STRAY_LABEL }).isVisible()).toBe(true);
    await page.getByTestId("unexpected-item").getByRole("button", { name: "Leave out" }).click();
    await page.getByRole("button", { name: "Dispatch 2 cartridges" }).click();

    await expect.poll(() => toastText(page)).toContain("with 2 cartridges recorded");
    await expect.poll(() => summary(page)).toContain("1 waiting");
    // Not offered a second time on this phone.
    await page.goto(dispatchUrl);
    await expect.poll(() => page.getByTestId("case-notice").textContent()).toContain("cannot be dispatched");

    await context.setOffline(false);
    await expect.poll(() => summary(page), { timeout: 30_000 }).toContain("All synced");
    const dispatched = await callTrpc<Consignment>(office, base, "consignments.get", { id: consignmentId });
    expect(dispatched).toMatchObject({ state: "in_transit", sealNumbers: [SEAL], courierName: COURIER.name });

    // The custodian at the vault: may not dispatch, may receive.
    const page2 = await keeper.newPage();
    await signIn(page2, base, KEEPER);
    await page2.goto(dispatchUrl);
    await expect
      .poll(() => page2.locator("main").textContent())
      .toContain("As a custodian you cannot dispatch consignments.");
    await page2.goto(`${base}/backup/scan`);
    await page2
      .getByTestId("field-consignments")
      .getByRole("link", { name: /Scan in/ })
      .click();
    await expect.poll(() => page2.getByTestId("count-expected").textContent()).toBe("2");
    await type(page2, CAMERA_LABEL);
    await type(page2, TYPED_LABEL);
    await expect.poll(() => page2.getByTestId("count-scanned").textContent()).toBe("2");

    await page2.getByText("Yes, intact").click();
    // A number that is not the dispatch's is flagged at once.
    await page2.getByLabel("Seal 1").fill("S-9999");
    await expect.poll(() => page2.getByTestId("seal-mismatch").isVisible()).toBe(true);
    await page2.getByLabel("Seal 1").fill(SEAL.toLowerCase());
    await expect.poll(() => page2.getByTestId("seal-mismatch").count()).toBe(0);
    await page2.getByLabel("Receiver name").fill(KEEPER.name);
    await sign(page2, "receipt-signature");
    await page2.getByRole("button", { name: "Receive 2 cartridges" }).click();
    await expect.poll(() => toastText(page2)).toContain("with 2 cartridges recorded");
    // Online, the indicator can still read "All synced" from before the receipt was queued, for as long as a
    // loaded machine takes to count it: the receipt's arrival is what to wait for.
    const consignmentNow = () => callTrpc<Consignment>(office, base, "consignments.get", { id: consignmentId });
    await expect.poll(async () => (await consignmentNow()).state, { timeout: 30_000 }).not.toBe("in_transit");
    await expect.poll(() => summary(page2), { timeout: 30_000 }).toContain("All synced");

    const received = await consignmentNow();
    expect(received).toMatchObject({
      state: "received_with_discrepancies",
      sealNumbers: [SEAL],
      receivedSealNumbers: [SEAL.toLowerCase()],
      courierName: COURIER.name,
      receiverName: KEEPER.name,
      dispatchedByName: COURIER.name,
      receivedByName: KEEPER.name,
    });
    const line = (barcode: string) => received.lines.find((candidate) => candidate.tape.barcode === barcode);
    expect(line(MISSING_LABEL)).toMatchObject({ outcome: "missing", incident: "missing" });
    expect(line(CAMERA_LABEL)).toMatchObject({ outcome: "received", incident: null });
    expect(line(STRAY_LABEL)).toBeUndefined();

    const overview = await callTrpc<{
      incidents: { kind: string; consignmentId: string; tape: { barcode: string } }[];
    }>(office, base, "consignments.overview");
    expect(overview.incidents).toContainEqual(
      expect.objectContaining({
        kind: "missing",
        consignmentId,
        tape: expect.objectContaining({ barcode: MISSING_LABEL }),
      }),
    );
    // The overview flags the missing cartridge until it is found or declared lost.
    await page2.goto(`${base}/backup`);
    await expect.poll(() => page2.locator("main").textContent()).toContain(MISSING_LABEL);

    // The manifest, downloaded as the office does, carries the whole journey.
    const response = await office.get(`${base}/backup/consignments/${consignmentId}/manifest`);
    expect(response.status()).toBe(200);
    const manifest = (await pdfPages(await response.body())).join("\n");
    for (const text of [received.number, "Head office", "Iron Vault", SEAL, COURIER.name, KEEPER.name])
      expect(manifest).toContain(text);
    expect(manifest).toMatch(new RegExp(`${MISSING_LABEL}.*Missing`));
    expect(manifest).toMatch(new RegExp(`${CAMERA_LABEL}.*Received`));
  });

  test("no page broke the Content-Security-Policy, camera and offline shell included", () => {
    expect([...violations, ...keeperViolations]).toEqual([]);
  });
});
