import Papa from "papaparse";
import type { Browser, BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { signatureImage } from "../factories/signature";
import {
  callTrpc,
  launchBrowser,
  recordPolicyViolations,
  registeredTape,
  sendTrpc,
  signInAsFirstAdmin,
  startApp,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Tess Tapes", email: "tess@example.com", password: "correct-horse-42" };
const BARCODE = "000321L8";
const NOTES_TAPE = "000322L9";
// A comma and a double quote: the two characters a CSV writer has to quote.
const NOTES = 'Box 3, shelf "B"';

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let violations: string[] = [];
let base: string;

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  // From localhost the first administrator needs no setup code.
  base = app.url("localhost");
  context = await browser.newContext();
  violations = recordPolicyViolations(context);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const path = () => new URL(page.url()).pathname;
// Navigations and server round trips on a busy machine can take longer than expect.poll's default second.
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });
const tapeLink = (barcode: string) => page.getByTestId("tapes-table").getByRole("link", { name: barcode, exact: true });

const byBarcode = (barcode: string) =>
  callTrpc<{ id: string; barcode: string } | null>(context, base, "tapes.byBarcode", { barcode });
const signedIn = () => signInAsFirstAdmin(context, app, base, ADMIN);

/** The page of the registered cartridge, its history loaded (so its buttons are live). */
async function openTape() {
  await signedIn();
  await page.goto(`${base}/backup/tapes/${await registeredTape(context, base, BARCODE)}`);
  await poll(() => page.getByTestId("audit-trail").isVisible()).toBe(true);
}

async function exportTapes() {
  const response = await context.request.get(`${base}/backup/export/tapes`);
  return { status: response.status(), type: response.headers()["content-type"], text: await response.text() };
}

describe("tape cartridges in the browser", () => {
  test("the first administrator sets up the install on localhost", async () => {
    await page.goto(base);
    await poll(path).toBe("/setup");
    expect(await page.getByLabel("Setup code").count()).toBe(0);
    await page.getByLabel("Full name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Repeat password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Create administrator and sign in" }).click();

    await poll(path).toBe("/backup");
    await poll(() => page.getByTestId("viewer-name").textContent()).toBe(ADMIN.name);
  });

  test("the overview shows nothing a link put in its address", async () => {
    await signedIn();
    const planted = encodeURIComponent("<b>Every cartridge</b> was wiped. Call 555-0100");
    await page.goto(`${base}/backup?deleted=${planted}&registered=${planted}&saved=${planted}`);
    await poll(() => page.getByTestId("metric-tapes").isVisible()).toBe(true);
    // What is shown, not the page's scripts: the framework carries the address in its own data.
    expect(await page.locator("body").innerText()).not.toContain("555-0100");
  });

  test("a typed label shows its generation and capacity; Enter moves on like a scanner; the cartridge is registered", async () => {
    await signedIn();
    // Loaded just before registering, so the table's cached list is still fresh and has to be refreshed.
    await page.goto(`${base}/backup`);
    await poll(() => page.getByText("No tape cartridges are registered yet.").isVisible()).toBe(true);
    await page.getByRole("link", { name: "Register tape cartridge" }).click();
    await poll(path).toBe("/backup/tapes/new");

    const barcode = page.getByLabel("Barcode label");
    await barcode.pressSequentially(BARCODE.toLowerCase(), { delay: 5 });
    const preview = page.getByTestId("label-preview");
    await poll(() => preview.textContent()).toContain("LTO-8");
    expect(await preview.textContent()).toContain("12 TB");
    expect(await page.getByLabel("Native capacity (GB)").inputValue()).toBe("12000");

    // A USB scanner ends with Enter: the label is taken and focus moves on, but nothing is submitted yet.
    const registerCalls: string[] = [];
    const watch = (request: Request) => {
      if (request.url().includes("tapes.register")) registerCalls.push(request.url());
    };
    page.on("request", watch);
    await barcode.press("Enter");
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe("status");
    expect(await barcode.inputValue()).toBe(BARCODE);
    await page.waitForTimeout(500);
    expect(registerCalls).toEqual([]);
    expect(path()).toBe("/backup/tapes/new");
    expect(await byBarcode(BARCODE)).toBeNull();

    await page.getByLabel("Status").selectOption("in_use");
    await page.getByLabel("Usage tags").fill("monthly, finance");
    await page.getByRole("button", { name: "Register cartridge" }).click();

    await poll(() => registerCalls.length).toBe(1);
    page.off("request", watch);
    await poll(path).toBe("/backup");
    await poll(() => page.getByText(`Cartridge ${BARCODE} registered.`).isVisible()).toBe(true);
    await poll(() => tapeLink(BARCODE).isVisible()).toBe(true);
    const row = page.getByTestId("tapes-table").getByRole("row", { name: new RegExp(BARCODE) });
    expect(await row.textContent()).toContain("LTO-8 · 12 TB");
    expect(await row.textContent()).toContain("In use");
  });

  test("registering the same label again is refused with a clear message", async () => {
    await signedIn();
    await registeredTape(context, base, BARCODE);
    await page.goto(`${base}/backup/tapes/new`);
    await page.getByLabel("Barcode label").fill(` *${BARCODE}* `);
    await page.getByRole("button", { name: "Register cartridge" }).click();
    // The server names the field it refuses, so the message stands at the barcode.
    await poll(() => page.getByLabel("Barcode label").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#barcode-error").textContent()).toBe(
      `A cartridge with barcode ${BARCODE} is already registered`,
    );
    expect(path()).toBe("/backup/tapes/new");
  });

  test("the barcode box on the overview opens the cartridge's page", async () => {
    await signedIn();
    await registeredTape(context, base, BARCODE);
    await page.goto(`${base}/backup`);
    const find = page.getByLabel("Find tape by barcode");
    await find.pressSequentially(BARCODE.toLowerCase(), { delay: 5 });
    await find.press("Enter");

    const { id } = (await byBarcode(BARCODE))!;
    await poll(path).toBe(`/backup/tapes/${id}`);
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(BARCODE);
    expect(await page.getByTestId("current-location").textContent()).toContain("No location logged yet");
    await poll(() => page.getByTestId("audit-trail").isVisible()).toBe(true);
    expect(await page.getByRole("heading", { name: "History" }).count()).toBe(1);
  });

  test("Log Location makes the new place the current location", async () => {
    // A named site, created unless an earlier test left it: the form picks sites from the list it loads.
    await signedIn();
    await sendTrpc(context, base, "sites.create", { name: "Iron Vault", kind: "off_site" }, "mutation");
    await openTape();
    await page.getByRole("button", { name: "Log Location" }).click();
    const form = page.getByRole("form", { name: "Log location" });
    await form.getByLabel("Where").selectOption("off_site");
    const site = form.getByRole("combobox", { name: "Site" });
    await site.click();
    await page.keyboard.type("Iron Vault");
    await page.keyboard.press("Enter");
    await poll(() => site.inputValue()).toBe("Iron Vault");
    await form.getByLabel("Locker").fill("L-12");
    await form.getByLabel("Custodian").fill("Vera Vault");
    await form.getByLabel("Service provider").fill("SafeStore");
    await form.getByRole("button", { name: "Save location" }).click();

    const current = page.getByTestId("current-location");
    await poll(() => current.textContent()).toContain("Off site");
    expect(await current.textContent()).toContain("Iron Vault · locker L-12");
    expect(await form.count()).toBe(0);
    // The one timeline holds the entry, with who had the cartridge, beside the cartridge's registration.
    const history = page.getByTestId("audit-trail");
    await poll(() => history.textContent()).toContain("Custodian Vera Vault · Service provider SafeStore");
    expect(await history.textContent()).toContain("registered");
  });

  test("Record Custody Event with a drawn signature adds it to the chain of custody", async () => {
    await openTape();
    await page.getByRole("button", { name: "Record Custody Event" }).click();
    const form = page.getByRole("form", { name: "Record custody event" });
    await form.getByLabel("From", { exact: true }).fill("Operations");
    await form.getByLabel("To", { exact: true }).fill("SafeStore courier");
    await form.getByLabel("Signer name").fill("Carl Courier");

    // Without a signature the form asks for one.
    await form.getByRole("button", { name: "Save hand-off" }).click();
    await poll(() => form.getByText("The person receiving the cartridge must sign").isVisible()).toBe(true);

    const box = (await page.locator("canvas#custody-signature").boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + box.height / 2);
    await page.mouse.down();
    for (let step = 1; step <= 12; step++) {
      await page.mouse.move(box.x + 20 + step * 18, box.y + box.height / 2 + (step % 2 ? -25 : 25), { steps: 3 });
    }
    await page.mouse.up();
    await form.getByRole("button", { name: "Save hand-off" }).click();

    const event = page.getByTestId("custody-event");
    await poll(() => event.count()).toBe(1);
    expect(await event.textContent()).toContain("Operations → SafeStore courier");
    expect(await event.textContent()).toContain("signed by Carl Courier");
    const signature = event.getByRole("img", { name: "Signature of Carl Courier" });
    expect(await signature.getAttribute("src")).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    // The drawn image is loaded and has a size, so it is a real picture, not a broken link.
    expect(await signature.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  });

  test("deleting from the cartridge's page names what goes with it and lands on the overview", async () => {
    // The cartridge with the location and the hand-off the tests above record through its page.
    await signedIn();
    const tapeId = await registeredTape(context, base, BARCODE);
    const tape = await callTrpc<{ locations: unknown[]; custodyEvents: unknown[] }>(context, base, "tapes.get", {
      id: tapeId,
    });
    if (tape.locations.length === 0) {
      const location = {
        tapeId,
        kind: "off_site",
        site: "Iron Vault",
        locker: "L-12",
        custodian: "Vera Vault",
        serviceProvider: "SafeStore",
      };
      await callTrpc(context, base, "locations.log", location, "mutation");
    }
    if (tape.custodyEvents.length === 0) {
      const handOff = {
        tapeId,
        fromParty: "Operations",
        toParty: "SafeStore courier",
        signerName: "Carl Courier",
        signature: signatureImage(),
      };
      await callTrpc(context, base, "custody.record", handOff, "mutation");
    }
    // Opened from a freshly loaded overview, whose list must not show the cartridge once it is deleted.
    await page.goto(`${base}/backup`);
    await tapeLink(BARCODE).click();
    await poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(BARCODE);
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    const summary = page.getByTestId("delete-summary");
    await poll(() => summary.textContent()).toContain("1 location entry");
    expect(await summary.textContent()).toContain("1 custody event");
    expect(await summary.textContent()).toContain("0 job links");
    expect(await page.getByRole("heading", { name: `Delete cartridge ${BARCODE}?` }).isVisible()).toBe(true);

    // Its history can be kept first: locations, hand-offs and changes in one file.
    const href = await page.getByRole("link", { name: "Download history (CSV)" }).first().getAttribute("href");
    const history = await (await context.request.get(new URL(href!, base).href)).text();
    const records = Papa.parse<Record<string, string>>(history.trim(), { header: true }).data;
    expect(records.map((record) => record.record).sort()).toEqual(["change", "custody", "location"]);
    expect(records.find((record) => record.record === "location")).toMatchObject({
      site: "Iron Vault",
      custodian: "Vera Vault",
      service_provider: "SafeStore",
    });

    await page.getByRole("button", { name: "Delete cartridge" }).click();

    await poll(path).toBe("/backup");
    await poll(() => page.getByText(`Cartridge ${BARCODE} deleted.`).isVisible()).toBe(true);
    await poll(() => page.getByText("No tape cartridges are registered yet.").isVisible()).toBe(true);
    expect(await tapeLink(BARCODE).count()).toBe(0);
    expect(await page.getByTestId("metric-tapes").textContent()).toBe("0");
    expect(await byBarcode(BARCODE)).toBeNull();
  });

  test("the CSV export is text/csv with a header row and correctly quoted fields", async () => {
    await signedIn();
    // Even with nothing to export, the columns are named, so a spreadsheet import still sees them.
    const empty = await exportTapes();
    expect(empty.status).toBe(200);
    expect(empty.text.split("\r\n")[0]).toMatch(/^barcode,media_id,generation,/);

    await page.goto(`${base}/backup/tapes/new`);
    await page.getByLabel("Barcode label").fill(NOTES_TAPE);
    await page.getByLabel("Usage tags").fill("monthly, finance");
    await page.getByLabel("Notes").fill(NOTES);
    await page.getByRole("button", { name: "Register cartridge" }).click();
    await poll(() => tapeLink(NOTES_TAPE).isVisible()).toBe(true);

    const csv = await exportTapes();

    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const lines = csv.text.split("\r\n");
    expect(lines[0]).toBe(
      "barcode,media_id,generation,media_type,native_capacity_bytes,status,tags,location,site,data_expires_at,next_move,notes,registered_at,non_standard_label",
    );
    expect(lines[1]).toMatch(
      new RegExp(
        `^${NOTES_TAPE},L9,9,data,18000000000000,empty,monthly;finance,,,,,"Box 3, shelf ""B""",\\d{4}-\\d{2}-\\d{2}T`,
      ),
    );
    expect(lines.slice(2)).toEqual([""]);
    const parsed = Papa.parse<Record<string, string>>(csv.text.trim(), { header: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toEqual([
      expect.objectContaining({ barcode: NOTES_TAPE, notes: NOTES, tags: "monthly;finance" }),
    ]);
  });

  test("Manage → Audit log lists the entries, filtered by what and who", async () => {
    // The cartridge changes the tests above make: one registered and deleted, another registered.
    await signedIn();
    const deletions = await callTrpc<{ items: unknown[] }>(context, base, "audit.log", {
      entityType: "tape",
      action: "delete",
    });
    if (deletions.items.length === 0) {
      await callTrpc(context, base, "tapes.delete", { id: await registeredTape(context, base, BARCODE) }, "mutation");
    }
    await registeredTape(context, base, NOTES_TAPE, { tags: ["monthly", "finance"], notes: NOTES });
    await page.goto(`${base}/manage/audit`);
    const log = page.getByTestId("audit-log");
    await poll(() => log.isVisible()).toBe(true);
    expect(await page.getByTestId("chain-check").isVisible()).toBe(true);

    await page.getByLabel("What").selectOption("tape");
    await poll(() => log.getByRole("row").count()).toBe(4);
    const text = await log.textContent();
    expect(text).toContain(BARCODE);
    expect(text).toContain("deleted");
    expect(text).not.toContain("Location entry");

    await page.getByLabel("Who").fill("nobody of that name");
    await poll(() => page.getByText("No entries match these filters.").isVisible()).toBe(true);
  });

  test("no page broke the Content-Security-Policy", () => {
    expect(violations).toEqual([]);
  });
});
