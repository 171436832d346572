import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { toDateInput } from "../../lib/dates";
import {
  callTrpc,
  existingUser,
  launchBrowser,
  recordPolicyViolations,
  registeredTape,
  signInOverHttp,
  signInAsFirstAdmin,
  startApp,
  toastText,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Ava Approver", email: "ava@example.com", password: "correct-horse-42" };
const STAFF = { name: "Sam Staff", email: "sam@example.com", password: "another-horse-42" };
const [FIRST, SECOND, AWAY] = ["CON001L9", "CON002L9", "CON003L9"];
const DAY_MS = 86_400_000;
const NUMBER = (sequence: number) => `C-${new Date().getUTCFullYear()}-${String(sequence).padStart(4, "0")}`;

let app: RunningApp;
let browser: Browser;
let base: string;
let adminContext: BrowserContext;
let staffContext: BrowserContext;
let admin: Page;
let staff: Page;
let violations: string[][] = [];
const ids = { serverRoom: "", vault: "", first: "", consignment: "" };

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
  adminContext = await browser.newContext();
  staffContext = await browser.newContext();
  violations = [recordPolicyViolations(adminContext), recordPolicyViolations(staffContext)];
  admin = await adminContext.newPage();
  staff = await staffContext.newPage();
  // A first render on a loaded machine can outlast Playwright's 30 s default.
  admin.setDefaultTimeout(90_000);
  staff.setDefaultTimeout(90_000);

  await signInAsFirstAdmin(adminContext, app, base, ADMIN);
  const call = <T>(procedure: string, input: unknown) => callTrpc<T>(adminContext, base, procedure, input, "mutation");
  ids.serverRoom = (await call<{ id: string }>("sites.create", { name: "Server room", kind: "on_site" })).id;
  ids.vault = (await call<{ id: string }>("sites.create", { name: "Iron Vault", kind: "off_site" })).id;
  const tapes = [];
  for (const barcode of [FIRST, SECOND, AWAY]) tapes.push(await registeredTape(adminContext, base, barcode));
  ids.first = tapes[0]!;
  for (const [index, tapeId] of tapes.entries())
    await call("locations.log", {
      tapeId,
      kind: index < 2 ? "on_site" : "off_site",
      siteId: index < 2 ? ids.serverRoom : ids.vault,
    });
  // A job written a month ago: its cartridges still on site are due to go off site.
  await call("jobs.create", {
    name: "Monthly full – archive",
    jobDate: toDateInput(new Date(Date.now() - 30 * DAY_MS)),
    retentionDays: 365,
    tapeIds: tapes,
  });
  await existingUser(adminContext, base, STAFF, "staff");
  await signInOverHttp(staffContext, base, STAFF);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });
const stateOf = (page: Page) => page.getByTestId("consignment-state").first().textContent();

describe("consignments at the desk", () => {
  test("staff tick rows of the list to send and create a consignment from them", async () => {
    await staff.goto(`${base}/backup/rotation/send`);
    await staff.getByRole("checkbox", { name: `Select ${FIRST}` }).check();
    await staff.getByRole("checkbox", { name: `Select ${SECOND}` }).check();
    await poll(() => staff.getByTestId("rotation-selection").textContent()).toContain("2 selected");
    await staff.getByRole("link", { name: "Create consignment" }).click();

    await poll(() => new URL(staff.url()).pathname).toBe("/backup/consignments/new");
    const from = staff.getByRole("combobox", { name: "From site" });
    await poll(() => from.inputValue()).toBe("Server room");
    await poll(() => staff.getByTestId("expected-tapes").textContent()).toMatch(new RegExp(`${FIRST}.*${SECOND}`));

    // No destination yet: the schema's message, at the field.
    await staff.getByRole("button", { name: "Create draft" }).click();
    await poll(() => staff.locator("#consignment-to-error").textContent()).toBe("Choose the site it goes to");

    const to = staff.getByRole("combobox", { name: "To site" });
    await to.click();
    await staff.keyboard.type("Iron");
    await staff.keyboard.press("Enter");
    await poll(() => to.inputValue()).toBe("Iron Vault");
    await staff.getByLabel("Case", { exact: true }).fill("CASE-7");

    // A cartridge scanned in that is not at the site it leaves from: the server's refusal, by the cartridges.
    const barcode = staff.getByLabel("Scan or type a barcode");
    await barcode.fill(AWAY.toLowerCase());
    await barcode.press("Enter");
    await poll(() => staff.getByTestId("expected-tapes").textContent()).toContain(AWAY);
    await staff.getByRole("button", { name: "Create draft" }).click();
    await poll(() => staff.locator("#consignment-tapes-error").textContent()).toContain(
      `${AWAY} is not at Server room`,
    );
    await staff.getByRole("button", { name: `Remove ${AWAY}` }).click();

    await staff.getByRole("button", { name: "Create draft" }).click();
    await poll(() => new URL(staff.url()).pathname).toMatch(/^\/backup\/consignments\/[0-9a-f-]{36}$/);
    ids.consignment = new URL(staff.url()).pathname.split("/").pop()!;
    await poll(() => toastText(staff)).toContain(`${NUMBER(1)} created as a draft.`);
    await poll(() => stateOf(staff)).toBe("Draft");
    expect(await staff.getByTestId("consignment-lines").textContent()).toMatch(new RegExp(`${FIRST}.*${SECOND}`));

    await staff.getByRole("button", { name: "Submit" }).click();
    await staff.getByRole("dialog").getByRole("button", { name: "Submit" }).click();
    await poll(() => toastText(staff)).toContain(`${NUMBER(1)} submitted for approval.`);
    await poll(() => stateOf(staff)).toBe("Awaiting approval");
    // Staff who are not approvers are not offered the decision.
    expect(await staff.getByRole("button", { name: "Approve" }).count()).toBe(0);
  });

  test("an approver rejects it with a reason; its author sees why, submits again, and it is approved", async () => {
    const page = `${base}/backup/consignments/${ids.consignment}`;
    await admin.goto(page);
    await admin.getByRole("button", { name: "Reject" }).click();
    const dialog = admin.getByRole("dialog", { name: `Reject ${NUMBER(1)}` });
    await dialog.getByRole("button", { name: "Reject" }).click();
    await poll(() => dialog.getByText("Say why it is rejected").count()).toBe(1);
    await dialog.getByLabel("Why it is rejected").fill("Use the blue case");
    await dialog.getByRole("button", { name: "Reject" }).click();
    await poll(() => toastText(admin)).toContain(`${NUMBER(1)} rejected`);
    await poll(() => stateOf(admin)).toBe("Draft");

    await staff.goto(page);
    await poll(() => staff.getByTestId("rejection-reason").textContent()).toBe("Use the blue case");
    await staff.getByRole("button", { name: "Submit" }).click();
    await staff.getByRole("dialog").getByRole("button", { name: "Submit" }).click();
    await poll(() => stateOf(staff)).toBe("Awaiting approval");

    await admin.goto(page);
    await admin.getByRole("button", { name: "Approve" }).click();
    await admin.getByRole("dialog").getByRole("button", { name: "Approve" }).click();
    await poll(() => toastText(admin)).toContain(`${NUMBER(1)} approved.`);
    await poll(() => stateOf(admin)).toBe("Approved");
    // Next comes the dispatch, on its own screen.
    expect(await admin.getByRole("link", { name: "Dispatch" }).getAttribute("href")).toBe(
      `/backup/consignments/${ids.consignment}/dispatch`,
    );
    await poll(() => admin.getByTestId("audit-trail").textContent()).toContain("approved");
  });

  test("a consignment is cancelled with a reason", async () => {
    const second = await callTrpc<{ id: string; number: string }>(
      staffContext,
      base,
      "consignments.create",
      { fromSiteId: ids.vault, toSiteId: ids.serverRoom, tapeIds: [] },
      "mutation",
    );
    await staff.goto(`${base}/backup/consignments/${second.id}`);
    await staff.getByRole("button", { name: "Cancel consignment" }).click();
    const dialog = staff.getByRole("dialog", { name: `Cancel ${second.number}` });
    await dialog.getByLabel("Why it is cancelled").fill("Planned twice");
    await dialog.getByRole("button", { name: "Cancel consignment" }).click();
    await poll(() => stateOf(staff)).toBe("Cancelled");
    expect(await staff.getByRole("note").textContent()).toContain("Planned twice");

    await staff.goto(`${base}/backup/consignments`);
    const table = staff.getByTestId("consignments-table");
    await poll(() => table.getByRole("link", { name: NUMBER(1) }).count()).toBe(1);
    expect(await table.getByRole("link", { name: second.number }).count()).toBe(0);
    await staff.getByRole("combobox", { name: "Show" }).selectOption({ label: "Cancelled" });
    await poll(() => table.getByRole("link", { name: second.number }).count()).toBe(1);
  });

  test("the overview counts it by state and the cartridge's page lists it", async () => {
    await admin.goto(`${base}/backup`);
    const panel = admin.getByTestId("consignments-overview");
    await poll(() => panel.getByTestId("consignments-approved").textContent()).toMatch(/Approved\s*1/);
    await panel.getByTestId("consignments-approved").click();
    await poll(() =>
      admin
        .getByTestId("consignments-table")
        .getByRole("link", { name: NUMBER(1) })
        .count(),
    ).toBe(1);

    await admin.goto(`${base}/backup/tapes/${ids.first}`);
    const travelled = admin.getByTestId("tape-consignments");
    await poll(() => travelled.textContent()).toContain(NUMBER(1));
    expect(await travelled.textContent()).toContain("Server room → Iron Vault");
    expect(violations.flat()).toEqual([]);
  });
});
