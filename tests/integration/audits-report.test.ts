/**
 * An inventory audit's report, downloaded through its route handlers as a browser does: the PDF read back
 * as text with poppler's pdftotext (site, scope, who started and closed it, counts, every cartridge with
 * its outcome and where the catalogue had it, in the viewer's time zone) and the CSV parsed back.
 */
import Papa from "papaparse";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { GET as getCsv } from "../../app/backup/audits/[id]/report.csv/route";
import { GET as getPdf } from "../../app/backup/audits/[id]/report/route";
import { formatMoment } from "../../lib/dates";
import type { Auth } from "../../server/auth/auth";
import type { Db } from "../../server/db";
import { requestHeaders, useTestApp } from "../helpers/app";
import { useAuditWorld } from "../helpers/audits";
import { pdfPages } from "../helpers/pdf-text";

// The routes reach the app's database and auth through these two getters; here they answer with the test's.
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
const world = useAuditWorld(app);

/** Downloads a report as a browser does; `zone` is the time zone its browser reported in the "tz" cookie. */
async function download(kind: "report" | "report.csv", id: string, headers: Headers, zone?: string) {
  const withZone = new Headers(headers);
  if (zone)
    withZone.set("cookie", [headers.get("cookie"), `tz=${encodeURIComponent(zone)}`].filter(Boolean).join("; "));
  const handler = kind === "report" ? getPdf : getCsv;
  const response = await handler(
    new Request(`http://localhost:3000/backup/audits/${id}/${kind}`, { headers: withZone }),
    { params: Promise.resolve({ id }) },
  );
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

beforeAll(() => {
  routeDeps.db = app.db;
  routeDeps.auth = app.auth;
});

describe("a shelf audit with one present, one misplaced, one unknown and one missing cartridge", () => {
  let audit: { id: string; number: string };
  let present: string;
  let misplaced: string;
  let missing: string;
  let registered: string;
  let closedAt: Date;
  let text: string;

  beforeAll(async () => {
    const site = await world.newSite("Report room");
    const [here, gone] = await world.tapesAt(2, site, { shelf: "R-1" });
    const [stray] = await world.tapesAt(1, world.annex, { locker: "L2" });
    [present, missing, misplaced] = [here!.barcode, gone!.barcode, stray!.barcode];
    registered = "REG001L9";
    audit = await world.staff.caller.audits.start({ siteId: site.id, shelf: "R-1" });
    await world.scanApplied(world.courier, audit.id, [present, misplaced, "UNK404L8", registered]);
    await world.staff.caller.audits.registerUnknown({ auditId: audit.id, barcode: registered });
    closedAt = (await world.admin.caller.audits.close({ id: audit.id })).closedAt!;
    await world.staff.caller.audits.applyCorrections({ id: audit.id });
    await world.staff.caller.audits.resolveMissing({
      auditId: audit.id,
      tapeId: gone!.id,
      resolution: "Sent for repair",
    });

    const { response, body } = await download("report", audit.id, world.reader.headers, "Pacific/Auckland");
    expect(response.status).toBe(200);
    text = (await pdfPages(body)).join("\n");
  });

  test("is a PDF download named after the audit", async () => {
    const { response } = await download("report", audit.id, world.reader.headers);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${audit.number}-report.pdf"`);
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  test("names the site, the scope, who started and closed it and when, in the viewer's zone", () => {
    expect(text).toContain("Inventory audit report");
    expect(text).toContain(audit.number);
    expect(text).toMatch(/Site\s+Report room \(on site\)/);
    expect(text).toMatch(/Scope\s+shelf R-1/);
    expect(text).toMatch(/Started\s+.* by Sam Staff/);
    expect(text.replace(/ +/g, " ")).toContain(`${formatMoment(closedAt, "Pacific/Auckland")} by Ada Admin`);
    expect(text).toMatch(/Corrections\s+Applied .* by Sam Staff/);
  });

  test("counts each outcome", () => {
    expect(text).toMatch(/Expected\s+2/);
    expect(text).toMatch(/Present\s+1/);
    expect(text).toMatch(/Misplaced\s+1/);
    expect(text).toMatch(/Unknown\s+2/);
    expect(text).toMatch(/Missing\s+1/);
  });

  test("lists every cartridge with its outcome and where the catalogue had it", () => {
    const row = (barcode: string) => text.split("\n").find((line) => line.includes(barcode)) ?? "";
    expect(row(present)).toMatch(/Present.*Carl Courier.*Report room, shelf R-1/);
    expect(row(misplaced)).toMatch(/Misplaced.*Carl Courier.*Annex · locker L2/);
    expect(row("UNK404L8")).toMatch(/Unknown.*not in the catalogue/);
    expect(row(registered)).toMatch(/Unknown.*not in the catalogue\s+Registered during/);
    expect(row(missing)).toMatch(/Missing\s+—\s+—\s+Report room, shelf R-1\s+Marked missing/);
    expect(text).toContain("Sent for repair");
  });

  test("lists every step with who took it", () => {
    for (const step of ["Started", "Registered an unknown label", "Closed", "Applied the corrections"])
      expect(text).toContain(step);
    expect(text).toContain("Resolved a missing cartridge");
    expect(text).toContain(`Marked missing: ${missing}`);
  });

  test("the CSV has one row per cartridge with the same outcomes", async () => {
    const { response, body } = await download("report.csv", audit.id, world.reader.headers);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${audit.number}-report.csv"`);
    const rows = Papa.parse<Record<string, string>>(body.toString("utf8").trim(), { header: true }).data;
    const byBarcode = Object.fromEntries(rows.map((row) => [row.barcode, row]));
    expect(Object.keys(byBarcode).sort()).toEqual([present, misplaced, missing, "UNK404L8", registered].sort());
    expect(byBarcode[present]).toMatchObject({
      audit: audit.number,
      site: "Report room",
      scope: "shelf R-1",
      outcome: "present",
      expected: "true",
      scanned_by: "Carl Courier",
      catalogue_location: "Report room, shelf R-1",
    });
    expect(new Date(byBarcode[present]!.scanned_at!).toISOString()).toBe(byBarcode[present]!.scanned_at);
    expect(byBarcode[misplaced]).toMatchObject({
      outcome: "misplaced",
      expected: "false",
      catalogue_location: "Annex · locker L2",
    });
    expect(byBarcode[missing]).toMatchObject({
      outcome: "missing",
      scanned_at: "",
      note: expect.stringContaining("Sent for repair"),
    });
    expect(byBarcode[registered]).toMatchObject({ outcome: "unknown", note: "Registered during the audit" });
  });
});

describe("access", () => {
  test("needs a session: anonymous callers are refused, an id that cannot be one is not found", async () => {
    const audit = await world.staff.caller.audits.start({ siteId: world.store.id });
    for (const kind of ["report", "report.csv"] as const) {
      expect((await download(kind, audit.id, requestHeaders())).response.status).toBe(401);
      const bad = await download(kind, "not-an-id", world.reader.headers);
      expect(bad.response.status).toBe(404);
      expect(JSON.parse(bad.body.toString("utf8"))).toEqual({ error: "The audit was not found" });
    }
  });

  test("a cell that starts like a formula is written as text", async () => {
    const site = await world.newSite('=HYPERLINK("x") room');
    const [tape] = await world.tapesAt(1, site);
    const audit = await world.staff.caller.audits.start({ siteId: site.id });
    await world.scanApplied(world.courier, audit.id, [tape!.barcode]);
    const { body } = await download("report.csv", audit.id, world.reader.headers);
    expect(body.toString("utf8")).toContain(`'=HYPERLINK(""x"") room`);
  });
});
