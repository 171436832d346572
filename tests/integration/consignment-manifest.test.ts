/**
 * A consignment's manifest, downloaded through its route handler as a browser does and read back as text
 * with poppler's pdftotext: what it says of the case, its cartridges, signatures and steps, in the
 * viewer's time zone, and that a long list keeps its table header and page numbers on every page.
 */
import { v7 as uuidv7 } from "uuid";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { GET } from "../../app/backup/consignments/[id]/manifest/route";
import { formatCalendarDate, formatMoment } from "../../lib/dates";
import { MAX_BATCH, type SyncEvent } from "../../lib/sync/events";
import type { Auth } from "../../server/auth/auth";
import type { Db } from "../../server/db";
import { createTape } from "../factories/backup";
import { jobInput } from "../factories/jobs";
import { dispatchEvent, receiptEvent } from "../factories/sync-events";
import { callerFor, requestHeaders, signedInUser, useTestApp } from "../helpers/app";
import { pdfPages } from "../helpers/pdf-text";

// The route reaches the app's database and auth through these two getters; here they answer with the test's.
const routeDeps = vi.hoisted(() => ({ db: undefined as Db | undefined, auth: undefined as Auth | undefined }));
vi.mock(import("../../server/db"), async (importOriginal) => ({
  ...(await importOriginal()),
  getDb: () => routeDeps.db!,
}));
vi.mock(import("../../server/auth/auth"), async (importOriginal) => ({
  ...(await importOriginal()),
  getAuth: async () => routeDeps.auth!,
}));
vi.mock("server-only", () => ({}));

const app = useTestApp();

type SignedIn = Awaited<ReturnType<typeof signedInUser>>;
type Site = { id: string; name: string; kind: "on_site" | "off_site" };
let admin: SignedIn;
let approver: SignedIn;
let courier: SignedIn;
let custodian: SignedIn;
let reader: SignedIn;
let store: Site;
let vault: Site;

/** Downloads the manifest as a browser does; `zone` is the time zone its browser reported in the "tz" cookie. */
async function download(id: string, headers: Headers, zone?: string) {
  const withZone = new Headers(headers);
  if (zone)
    withZone.set("cookie", [headers.get("cookie"), `tz=${encodeURIComponent(zone)}`].filter(Boolean).join("; "));
  const response = await GET(
    new Request(`http://localhost:3000/backup/consignments/${id}/manifest`, { headers: withZone }),
    { params: Promise.resolve({ id }) },
  );
  const body = Buffer.from(await response.arrayBuffer());
  return { response, body };
}

/** New cartridges logged at the store as a phone logs them, planned into an approved consignment to the vault. */
async function approvedConsignment(count: number) {
  const tapes = [];
  for (let index = 0; index < count; index++) tapes.push(await createTape(app.db));
  const occurredAt = new Date(Date.now() - 86_400_000);
  for (let start = 0; start < count; start += MAX_BATCH)
    await pushApplied(
      admin,
      tapes.slice(start, start + MAX_BATCH).map((tape): SyncEvent => ({
        id: uuidv7(),
        type: "location.logged",
        occurredAt,
        payload: { barcode: tape.barcode, kind: "on_site", siteId: store.id },
      })),
    );
  const consignment = await admin.caller.consignments.create({
    fromSiteId: store.id,
    toSiteId: vault.id,
    containerId: "CASE-77",
    tapeIds: tapes.map((tape) => tape.id),
  });
  await admin.caller.consignments.submit({ id: consignment.id });
  await approver.caller.consignments.approve({ id: consignment.id });
  return { consignment, tapes, barcodes: tapes.map((tape) => tape.barcode) };
}

async function pushApplied(who: SignedIn, events: SyncEvent[]) {
  const results = await who.caller.sync.push({ deviceId: "phone-1", events });
  expect(results.map((result) => result.status)).toEqual(events.map(() => "applied"));
}

beforeAll(async () => {
  routeDeps.db = app.db;
  routeDeps.auth = app.auth;
  admin = await signedInUser(app, { role: "admin", name: "Ada Admin" });
  const marked = await signedInUser(app, { role: "staff", name: "Abe Approver" });
  await admin.caller.access.setApprover({ userId: marked.user.id, approver: true });
  approver = { ...marked, caller: await callerFor(app.db, app.auth, marked.headers) };
  courier = await signedInUser(app, { role: "courier", name: "Cora Courier" });
  custodian = await signedInUser(app, { role: "custodian", name: "Vic Vaultkeeper" });
  reader = await signedInUser(app, { role: "staff", backupAccess: "read", name: "Rhea Reader" });
  store = await admin.caller.sites.create({ name: "Server room", kind: "on_site", address: "4 Data Lane, Leeds" });
  vault = await admin.caller.sites.create({ name: "Iron Vault", kind: "off_site", address: "1 Quarry Road, Skipton" });
});

describe("a consignment received with a missing and an unexpected cartridge", () => {
  const dispatchedAt = new Date(Date.now() - 3 * 3_600_000);
  const receivedAt = new Date(Date.now() - 3_600_000);
  let planned: Awaited<ReturnType<typeof approvedConsignment>>;
  let stray: { id: string; barcode: string };
  let pages: string[];
  let text: string;

  beforeAll(async () => {
    planned = await approvedConsignment(3);
    const jobTape = planned.tapes[0]!;
    await admin.caller.jobs.create(
      jobInput({ jobDate: new Date("2026-11-02T00:00:00Z"), retentionDays: 90, tapeIds: [jobTape.id] }),
    );
    stray = await createTape(app.db);
    await admin.caller.locations.log({ tapeId: stray.id, kind: "on_site", siteId: store.id });
    const id = planned.consignment.id;
    await pushApplied(courier, [
      dispatchEvent(id, [...planned.barcodes, stray.barcode], {
        occurredAt: dispatchedAt,
        sealNumbers: ["SEAL-4411", "SEAL-4412"],
        courierName: "Carl Carrier",
      }),
    ]);
    await pushApplied(custodian, [
      receiptEvent(id, [planned.barcodes[0]!, planned.barcodes[1]!, stray.barcode], {
        occurredAt: receivedAt,
        sealIntact: false,
        sealNumbers: ["SEAL-4411"],
        sealDiscrepancy: "Seal SEAL-4412 was cut",
        receiverName: "Rita Receiver",
      }),
    ]);
    const { response, body } = await download(id, reader.headers, "Pacific/Auckland");
    expect(response.status).toBe(200);
    pages = await pdfPages(body);
    text = pages.join("\n");
  });

  test("is a PDF download named after the consignment", async () => {
    const { response, body } = await download(planned.consignment.id, reader.headers);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="${planned.consignment.number}-manifest.pdf"`,
    );
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(body.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  });

  test("names the consignment, its state, both sites with their addresses and the case", () => {
    expect(text).toContain(planned.consignment.number);
    expect(text).toContain("Received with discrepancies");
    expect(text).toMatch(/From\s+Server room \(on site\)\s*\n\s*4 Data Lane, Leeds/);
    expect(text).toMatch(/To\s+Iron Vault \(off site\)\s*\n\s*1 Quarry Road, Skipton/);
    expect(text).toMatch(/Case\s+CASE-77/);
    expect(text).toMatch(/Approval\s+Approved by Abe Approver/);
  });

  test("gives the seals at dispatch and at receipt and what their check found", () => {
    expect(text).toMatch(/At dispatch\s+SEAL-4411, SEAL-4412/);
    expect(text).toMatch(/At receipt\s+SEAL-4411\n/);
    expect(text).toMatch(/Seal check\s+Broken\. Discrepancy: Seal SEAL-4412 was cut/);
    expect(text).toContain("differ from those at dispatch (SEAL-4411, SEAL-4412)");
  });

  test("lists every cartridge with its outcome, the unexpected one marked, and the data expiry", () => {
    const row = (barcode: string) => text.split("\n").find((line) => line.includes(barcode) && /^\s*\d+\s/.test(line));
    const [first, second, third] = planned.barcodes as [string, string, string];
    expect(row(first)).toMatch(/LTO-8\s+Received\s+Expected/);
    expect(row(first)).toContain(formatCalendarDate(new Date("2027-01-31T00:00:00Z")));
    // Each moment on one line: the columns are wide enough not to wrap them.
    expect(row(first)).toMatch(
      new RegExp(
        `${formatMoment(dispatchedAt, "Pacific/Auckland")}\\s+${formatMoment(receivedAt, "Pacific/Auckland")}`,
      ),
    );
    expect(row(second)).toMatch(/Received\s+Expected/);
    expect(row(third)).toMatch(/Missing\s+Expected/);
    expect(row(stray.barcode)).toMatch(/Received\s+Unexpected/);
  });

  test("counts expected, scanned out, received, missing and unexpected cartridges", () => {
    expect(text).toMatch(/Expected\s+3\n/);
    expect(text).toMatch(/Scanned out\s+4\n/);
    expect(text).toMatch(/Received\s+3\n/);
    expect(text).toMatch(/Missing\s+1\n/);
    expect(text).toMatch(/Unexpected\s+1\n/);
  });

  test("shows who signed at dispatch and at receipt, and when, in the viewer's time zone", () => {
    expect(text).toContain("Courier at dispatch");
    expect(text).toContain("Signed by Carl Carrier");
    expect(text).toContain("Receiver at receipt");
    expect(text).toContain("Signed by Rita Receiver");
    expect(text).toContain(`${formatMoment(dispatchedAt, "Pacific/Auckland")} · recorded by Cora Courier`);
    expect(text).toContain(`${formatMoment(receivedAt, "Pacific/Auckland")} · recorded by Vic Vaultkeeper`);
    expect(text).toContain("Times in Pacific/Auckland");
  });

  test("tells the history, each step with who took it and why", () => {
    const steps = [
      "Ada Admin: Created",
      "Ada Admin: Submitted",
      "Abe Approver: Approved",
      "Cora Courier: Dispatched",
      "Vic Vaultkeeper: Received",
    ];
    const positions = steps.map((step) => text.indexOf(step));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(text).toContain("State: Draft -> Awaiting approval");
    expect(text).toContain("Scanned out: 4 cartridges");
    expect(text).toContain(`Missing: ${planned.barcodes[2]}`);
    expect(text).toContain(`Unexpected: ${stray.barcode}`);
  });

  test("a lost cartridge shows the reason it was declared lost, in the table and the history", async () => {
    const missing = planned.tapes[2]!;
    await admin.caller.consignments.declareLost({
      id: planned.consignment.id,
      tapeId: missing.id,
      reason: "Not found at the vault → reported to the courier",
    });
    const { body } = await download(planned.consignment.id, reader.headers);
    const lost = (await pdfPages(body)).join("\n");
    expect(lost).toMatch(new RegExp(`${missing.barcode}\\s+LTO-8\\s+Lost: Not found`));
    expect(lost).toContain("Reason: Not found at the vault -> reported to the courier");
    expect(lost).toContain("Ada Admin: Declared a cartridge lost");
    expect(lost).toMatch(/Lost\s+1\n/);
  });
});

describe("a consignment of 200 cartridges", () => {
  test("runs to several pages, each with the table header and its page number", async () => {
    const planned = await approvedConsignment(200);
    await pushApplied(courier, [
      dispatchEvent(planned.consignment.id, planned.barcodes, { courierName: "Carl Carrier" }),
    ]);
    const { response, body } = await download(planned.consignment.id, reader.headers);
    expect(response.status).toBe(200);
    const pages = await pdfPages(body);
    expect(pages.length).toBeGreaterThan(3);
    pages.forEach((page, index) => {
      expect(page).toContain(`Page ${index + 1} of ${pages.length}`);
      expect(page).toContain(`${planned.consignment.number} manifest · Generated`);
    });
    const withRows = pages.filter((page) => /^\s*\d+\s+T\d{5}L8/m.test(page));
    expect(withRows.length).toBeGreaterThan(2);
    for (const page of withRows) expect(page).toMatch(/#\s+Barcode\s+Media\s+Outcome\s+On list\s+Scanned out/);
    const all = pages.join("\n");
    for (const barcode of planned.barcodes) expect(all).toMatch(new RegExp(`${barcode}\\s+LTO-8\\s+In transit`));
  }, 120_000);
});

describe("who may download it", () => {
  let id: string;
  beforeAll(async () => {
    id = (await approvedConsignment(1)).consignment.id;
  });

  test("every signed-in reader of the backup module may", async () => {
    for (const who of [reader, courier, custodian]) expect((await download(id, who.headers)).response.status).toBe(200);
  });

  test("someone signed out is asked to sign in", async () => {
    expect((await download(id, requestHeaders())).response.status).toBe(401);
  });

  test("an unknown consignment, or an id that cannot be one, is not found", async () => {
    expect((await download("0190a000-0000-7000-8000-000000000000", reader.headers)).response.status).toBe(404);
    expect((await download("not-an-id", reader.headers)).response.status).toBe(404);
  });
});
