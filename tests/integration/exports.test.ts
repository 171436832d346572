/**
 * The CSV exports, read through their route handler as a browser downloads them: what each holds, who may
 * have it, and that no cell reaches a spreadsheet as a formula.
 */
import Papa from "papaparse";
import { beforeAll, describe, expect, test, vi } from "vitest";
import { GET } from "../../app/backup/export/[kind]/route";
import type { Auth } from "../../server/auth/auth";
import type { Db } from "../../server/db";
import { nextBarcode } from "../factories/backup";
import { jobInput } from "../factories/jobs";
import { signedInUser, useTestApp, type Caller } from "../helpers/app";

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

const EVIL = '=HYPERLINK("http://evil","x")';
/** How the name reaches the file: a quote mark first, so a spreadsheet shows the text instead of a link. */
const ESCAPED = `'${EVIL}`;

let admin: { caller: Caller; headers: Headers; user: { name: string } };
let reader: { headers: Headers };
let tape: { id: string; barcode: string };
let other: { id: string; barcode: string };

async function download(path: string, headers: Headers) {
  const response = await GET(new Request(`http://localhost:3000/backup/export/${path}`, { headers }), {
    params: Promise.resolve({ kind: path.split("?")[0]! }),
  });
  const text = await response.text();
  const rows = response.status === 200 ? Papa.parse<Record<string, string>>(text.trim(), { header: true }).data : [];
  return { status: response.status, text, rows, disposition: response.headers.get("content-disposition") };
}

beforeAll(async () => {
  routeDeps.db = app.db;
  routeDeps.auth = app.auth;
  admin = await signedInUser(app, { role: "admin", name: "=Ada Admin" });
  reader = await signedInUser(app, { role: "staff", backupAccess: "read" });

  tape = await admin.caller.tapes.register({ barcode: nextBarcode(), notes: "@SUM(A1:A9)" });
  other = await admin.caller.tapes.register({ barcode: nextBarcode() });
  await admin.caller.jobs.create(jobInput({ name: EVIL, tapeIds: [tape.id] }));
  await admin.caller.tapes.update({ id: tape.id, data: { status: "full", tags: ["-monthly"], notes: "+plus" } });
  await admin.caller.locations.log({
    tapeId: tape.id,
    kind: "off_site",
    site: "=Iron Vault",
    locker: "L-12",
    custodian: "Vera Vault",
    serviceProvider: "SafeStore",
    occurredAt: new Date("2026-03-01T10:00:00Z"),
  });
  await admin.caller.locations.log({ tapeId: other.id, kind: "on_site", site: "Server room" });
  await admin.caller.custody.record({
    tapeId: tape.id,
    fromParty: "-Operations",
    toParty: "SafeStore courier",
    signerName: "Carl Courier",
    notes: "@case 7",
    occurredAt: new Date("2026-03-01T09:00:00Z"),
  });
});

describe("formula escaping", () => {
  test("a job named =HYPERLINK(…) is text in the jobs export, not a formula", async () => {
    const csv = await download("jobs", reader.headers);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv.rows.map((row) => row.name)).toEqual([ESCAPED]);
  });

  test("the cartridge export escapes notes and tags", async () => {
    const csv = await download("tapes", reader.headers);
    const row = csv.rows.find((candidate) => candidate.barcode === tape.barcode);
    expect(row).toMatchObject({ notes: "'+plus", tags: "'-monthly" });
  });

  test("a number stays a number: only text is escaped", async () => {
    const csv = await download("jobs", reader.headers);
    expect(csv.rows[0]).toMatchObject({ retention_days: "30", total_files: "120000" });
  });
});

describe("locations", () => {
  test("every location entry in the order it happened, with custodian and service provider", async () => {
    const csv = await download("locations", reader.headers);
    expect(csv.status).toBe(200);
    expect(csv.text.split("\r\n")[0]).toBe(
      "barcode,kind,site,shelf,locker,slot,custodian,service_provider,current,occurred_at,recorded_by,recorded_at,device_id",
    );
    expect(csv.rows).toEqual([
      expect.objectContaining({
        barcode: tape.barcode,
        kind: "off_site",
        site: "'=Iron Vault",
        locker: "L-12",
        custodian: "Vera Vault",
        service_provider: "SafeStore",
        current: "yes",
        occurred_at: "2026-03-01T10:00:00.000Z",
        recorded_by: "'=Ada Admin",
      }),
      expect.objectContaining({ barcode: other.barcode, site: "Server room" }),
    ]);
  });

  test("of one cartridge", async () => {
    const csv = await download(`locations?tape=${other.id}`, reader.headers);
    expect(csv.rows.map((row) => row.barcode)).toEqual([other.barcode]);
  });

  test("a cartridge id that is not one is refused", async () => {
    expect((await download("locations?tape=nope", reader.headers)).status).toBe(400);
  });
});

describe("custody", () => {
  test("every hand-off, whether it was signed, never the signature image", async () => {
    const csv = await download("custody", reader.headers);
    expect(csv.rows).toEqual([
      expect.objectContaining({
        barcode: tape.barcode,
        from: "'-Operations",
        to: "SafeStore courier",
        signer: "Carl Courier",
        signed: "no",
        notes: "'@case 7",
      }),
    ]);
    expect(csv.text).not.toContain("data:image");
  });
});

describe("the audit log", () => {
  test("administrators export it with the page's filters", async () => {
    const csv = await download("audit?entityType=job", admin.headers);
    expect(csv.status).toBe(200);
    expect(csv.rows).toEqual([
      expect.objectContaining({ entity_type: "job", action: "create", subject: ESCAPED, actor: "'=Ada Admin" }),
    ]);
    expect(JSON.parse(csv.rows[0]!.changes!)).toMatchObject({ name: { from: null, to: EVIL } });
  });

  test("others are refused, and a bad filter is a bad request", async () => {
    expect((await download("audit", reader.headers)).status).toBe(403);
    expect((await download("audit?from=yesterday", admin.headers)).status).toBe(400);
  });
});

describe("a cartridge's history", () => {
  test("its locations, hand-offs and changes in one file, in the order they happened", async () => {
    const csv = await download(`history?tape=${tape.id}`, reader.headers);
    expect(csv.status).toBe(200);
    expect(csv.disposition).toMatch(new RegExp(`filename="backup-monitor-history-${tape.barcode}-`));
    expect(csv.rows.map((row) => [row.record, row.action || row.kind || row.to])).toEqual([
      ["custody", "SafeStore courier"],
      ["location", "off_site"],
      ["change", "create"],
      ["change", "update"],
    ]);
    expect(csv.rows[1]).toMatchObject({ site: "'=Iron Vault", custodian: "Vera Vault", service_provider: "SafeStore" });
    expect(csv.rows[0]).toMatchObject({ from: "'-Operations", notes: "'@case 7", by: "'=Ada Admin" });
  });

  test("of a cartridge that does not exist: not found", async () => {
    expect((await download(`history?tape=${crypto.randomUUID()}`, reader.headers)).status).toBe(404);
  });
});
