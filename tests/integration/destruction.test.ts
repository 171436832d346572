/**
 * The end of a cartridge's life: a destruction refused while data has not expired unless an administrator
 * overrides it with a reason, refused for a cartridge not in hand, recorded for a batch in one transaction
 * with its audit, its certificate of sanitization read back with pdftotext; a destroyed cartridge offered for
 * no consignment, job, rotation list or status edit; and the return of an expired cartridge to scratch.
 */
import { beforeAll, describe, expect, test, vi } from "vitest";
import { GET } from "../../app/backup/destructions/[id]/certificate/route";
import { formatCalendarDate } from "../../lib/dates";
import type { Auth } from "../../server/auth/auth";
import type { Db } from "../../server/db";
import { createTape } from "../factories/backup";
import { destructionInput } from "../factories/destruction";
import { jobInput } from "../factories/jobs";
import { clientError, signedInUser, useTestApp } from "../helpers/app";
import { changedTables, fingerprint } from "../helpers/db-snapshot";
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
let admin: SignedIn;
let staff: SignedIn;
let reader: SignedIn;
let store: { id: string };
let vault: { id: string };

const DAY = 86_400_000;

/** A cartridge holding one job that expires `expiresInDays` from now (negative: already expired). */
async function tapeWithData(expiresInDays: number) {
  const tape = await createTape(app.db);
  const jobDate = new Date(Math.floor(Date.now() / DAY) * DAY - 30 * DAY);
  await admin.caller.jobs.create(
    jobInput({ jobDate, retentionDays: Math.max(0, 30 + expiresInDays), tapeIds: [tape.id] }),
  );
  return { ...tape, expiresAt: new Date(jobDate.getTime() + Math.max(0, 30 + expiresInDays) * DAY) };
}

async function statusOf(id: string) {
  return (await app.db.backupTapeCartridge.findUniqueOrThrow({ where: { id } })).status;
}

/** Downloads the certificate as a browser does. */
async function certificate(id: string, headers: Headers) {
  const response = await GET(new Request(`http://localhost:3000/backup/destructions/${id}/certificate`, { headers }), {
    params: Promise.resolve({ id }),
  });
  return { response, body: Buffer.from(await response.arrayBuffer()) };
}

beforeAll(async () => {
  routeDeps.db = app.db;
  routeDeps.auth = app.auth;
  admin = await signedInUser(app, { role: "admin", name: "Ada Admin" });
  staff = await signedInUser(app, { role: "staff", name: "Sam Staff" });
  reader = await signedInUser(app, { role: "staff", backupAccess: "read", name: "Rhea Reader" });
  store = await admin.caller.sites.create({ name: "Server room", kind: "on_site" });
  vault = await admin.caller.sites.create({ name: "Iron Vault", kind: "off_site" });
});

describe("who may destroy what", () => {
  test("a cartridge whose data has not expired is refused, naming it and the date, and nothing changes", async () => {
    const tape = await tapeWithData(40);
    const before = await fingerprint(app.db);
    const error = await clientError(staff.caller.destruction.record(destructionInput([tape.id])));
    expect(error.data.code).toBe("FORBIDDEN");
    expect(error.message).toBe(
      `As staff you cannot destroy cartridges whose data has not expired: ${tape.barcode} holds data that does not expire until ${formatCalendarDate(tape.expiresAt)}`,
    );
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
    expect(await statusOf(tape.id)).toBe("empty");
  });

  test("staff cannot give an override reason; an administrator must", async () => {
    const tape = await tapeWithData(40);
    const error = await clientError(
      staff.caller.destruction.record(destructionInput([tape.id], { overrideReason: "Water damage" })),
    );
    expect(error.data.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/^As staff you cannot destroy cartridges whose data has not expired/);
    expect(await statusOf(tape.id)).toBe("empty");
  });

  test("an administrator without a reason is asked for one", async () => {
    const tape = await tapeWithData(40);
    const error = await clientError(admin.caller.destruction.record(destructionInput([tape.id])));
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toContain(`${tape.barcode} holds data that does not expire until`);
    expect(error.message).toContain("say why it is destroyed before then");
  });

  test("an administrator's override is recorded on the destruction, on the cartridge and in the audit", async () => {
    const unexpired = await tapeWithData(40);
    const expired = await tapeWithData(-5);
    const destruction = await admin.caller.destruction.record(
      destructionInput([unexpired.id, expired.id], { overrideReason: "Damaged in the flood of 1 Dec" }),
    );
    expect(destruction.overrideReason).toBe("Damaged in the flood of 1 Dec");
    const lines = await app.db.backupDestructionTape.findMany({ where: { destructionId: destruction.id } });
    expect(Object.fromEntries(lines.map((line) => [line.tapeId, line.overridden]))).toEqual({
      [unexpired.id]: true,
      [expired.id]: false,
    });
    const created = await app.db.backupAuditLog.findFirstOrThrow({
      where: { entityType: "destruction", entityId: destruction.id },
    });
    expect(created.action).toBe("create");
    expect(created.changes).toMatchObject({
      overrideReason: { from: null, to: "Damaged in the flood of 1 Dec" },
      overridden: { from: null, to: [unexpired.barcode] },
    });
    const onTape = await app.db.backupAuditLog.findFirstOrThrow({
      where: { entityType: "tape", entityId: unexpired.id, action: "destroy" },
    });
    expect(onTape.changes).toMatchObject({
      certificate: { to: destruction.number },
      overrideReason: { to: "Damaged in the flood of 1 Dec" },
    });
  });

  test("staff destroy a cartridge whose data has all expired; a reason given when nothing needed one is not kept", async () => {
    const tape = await tapeWithData(-1);
    const destruction = await admin.caller.destruction.record(
      destructionInput([tape.id], { overrideReason: "Just in case" }),
    );
    expect(destruction.overrideReason).toBeNull();
    const byStaff = await staff.caller.destruction.record(destructionInput([(await createTape(app.db)).id]));
    expect(byStaff.recordedByName).toBe("Sam Staff");
  });

  test("read-only users cannot record a destruction", async () => {
    const error = await clientError(
      reader.caller.destruction.record(destructionInput([(await createTape(app.db)).id])),
    );
    expect(error.data.code).toBe("FORBIDDEN");
  });
});

describe("only cartridges in hand", () => {
  test("already destroyed, in transit, in an open consignment: refused, each named, and nothing changes", async () => {
    const destroyed = await createTape(app.db);
    await staff.caller.destruction.record(destructionInput([destroyed.id]));
    const travelling = await createTape(app.db);
    await staff.caller.locations.log({ tapeId: travelling.id, kind: "in_transit" });
    const packed = await createTape(app.db);
    await staff.caller.locations.log({ tapeId: packed.id, kind: "on_site", siteId: store.id });
    const consignment = await staff.caller.consignments.create({
      fromSiteId: store.id,
      toSiteId: vault.id,
      tapeIds: [packed.id],
    });
    const fine = await createTape(app.db);
    const before = await fingerprint(app.db);
    const error = await clientError(
      staff.caller.destruction.record(destructionInput([fine.id, destroyed.id, travelling.id, packed.id])),
    );
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toContain(`${destroyed.barcode} is already destroyed`);
    expect(error.message).toContain(`${travelling.barcode} is in transit`);
    expect(error.message).toContain(`${packed.barcode} is in open consignment ${consignment.number}`);
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
    expect(await statusOf(fine.id)).toBe("empty");
  });

  test("off site only by a vendor, with the vendor's certificate number", async () => {
    const away = await createTape(app.db);
    await staff.caller.locations.log({ tapeId: away.id, kind: "off_site", siteId: vault.id });
    const inHouse = await clientError(staff.caller.destruction.record(destructionInput([away.id])));
    expect(inHouse.message).toContain(`${away.barcode} is off site: name the vendor who destroys it there`);
    const noCertificate = await clientError(
      staff.caller.destruction.record(destructionInput([away.id], { vendor: "Shred-It North" })),
    );
    expect(noCertificate.data.code).toBe("BAD_REQUEST");
    expect(noCertificate.message).toContain("Enter the vendor's certificate number");
    const done = await staff.caller.destruction.record(
      destructionInput([away.id], { vendor: "Shred-It North", vendorCertificate: "SN-88812" }),
    );
    expect(done.vendorCertificate).toBe("SN-88812");
  });

  test("check says per cartridge whether it may be destroyed and why not", async () => {
    const unexpired = await tapeWithData(10);
    const away = await createTape(app.db);
    await staff.caller.locations.log({ tapeId: away.id, kind: "off_site", siteId: vault.id });
    const fine = await createTape(app.db);
    const result = await reader.caller.destruction.check({ tapeIds: [fine.id, unexpired.id, away.id] });
    expect(result.map((row) => [row.barcode, row.eligible, row.overridable, row.problems.map((p) => p.kind)])).toEqual([
      [fine.barcode, true, false, []],
      [unexpired.barcode, false, true, ["unexpired"]],
      [away.barcode, false, false, ["off_site"]],
    ]);
    const withVendor = await reader.caller.destruction.check({ tapeIds: [away.id], withVendor: true });
    expect(withVendor[0]!.eligible).toBe(true);
  });
});

describe("a batch destruction and its certificate", () => {
  let destruction: Awaited<ReturnType<typeof admin.caller.destruction.record>>;
  let tapes: { id: string; barcode: string }[];

  beforeAll(async () => {
    tapes = [await createTape(app.db), await createTape(app.db), await tapeWithData(-3)];
    destruction = await staff.caller.destruction.record(
      destructionInput(
        tapes.map((tape) => tape.id),
        {
          method: "purge",
          technique: "Degauss",
          vendor: "Shred-It North",
          vendorCertificate: "SN-40001",
          notes: "Quarterly batch",
        },
      ),
    );
  });

  test("numbered D-<year>-<n>, every cartridge destroyed with an audit entry naming the certificate", async () => {
    expect(destruction.number).toMatch(/^D-\d{4}-\d{4}$/);
    for (const tape of tapes) {
      expect(await statusOf(tape.id)).toBe("destroyed");
      const entry = await app.db.backupAuditLog.findFirstOrThrow({
        where: { entityType: "tape", entityId: tape.id, action: "destroy" },
      });
      expect(entry.changes).toMatchObject({ status: { to: "destroyed" }, certificate: { to: destruction.number } });
    }
    const ofTape = await reader.caller.destruction.ofTape({ tapeId: tapes[0]!.id });
    expect(ofTape).toMatchObject({ id: destruction.id, number: destruction.number });
    const listed = await reader.caller.destruction.list({ search: tapes[1]!.barcode });
    expect(listed.items.map((item) => [item.number, item.cartridges])).toEqual([[destruction.number, 3]]);
    const full = await reader.caller.destruction.get({ id: destruction.id });
    expect(full.tapes.map((tape) => tape.barcode)).toEqual(tapes.map((tape) => tape.barcode).sort());
    expect(full.history.map((entry) => entry.action)).toEqual(["create"]);
  });

  test("the certificate names each cartridge and everything NIST SP 800-88 asks for", async () => {
    const { response, body } = await certificate(destruction.id, reader.headers);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toContain(`${destruction.number}-certificate.pdf`);
    const text = (await pdfPages(body)).join("\n");
    for (const expected of [
      "Certificate of sanitization",
      destruction.number,
      "Purge (NIST SP 800-88)",
      "Degauss",
      formatCalendarDate(destruction.performedAt),
      "Sam Shredder",
      "Wanda Witness",
      "Shred-It North",
      "SN-40001",
      "Visual inspection of the shredded remains",
      "Recycled by Acme Metals",
      "None: the data on every cartridge had expired",
      "Quarterly batch",
      ...tapes.map((tape) => tape.barcode),
    ])
      expect(text).toContain(expected);
    expect(text).toMatch(/Performed by[\s\S]*Witness/);
  });

  test("an unknown destruction has no certificate", async () => {
    const { response } = await certificate("0192f000-0000-7000-8000-000000000000", reader.headers);
    expect(response.status).toBe(404);
  });
});

describe("a destroyed cartridge is offered for nothing", () => {
  let destroyed: { id: string; barcode: string };

  beforeAll(async () => {
    destroyed = await createTape(app.db);
    await staff.caller.locations.log({ tapeId: destroyed.id, kind: "on_site", siteId: store.id });
    await staff.caller.destruction.record(destructionInput([destroyed.id]));
  });

  test("not for a consignment", async () => {
    const error = await clientError(
      staff.caller.consignments.create({ fromSiteId: store.id, toSiteId: vault.id, tapeIds: [destroyed.id] }),
    );
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toBe(`${destroyed.barcode} is destroyed: leave it out`);
  });

  test("not in the consignment form's list of the cartridges at a site", async () => {
    const barcodes = async (inService?: boolean) =>
      (await reader.caller.tapes.list({ siteId: store.id, inService, limit: 200 })).items.map((tape) => tape.barcode);
    expect(await barcodes()).toContain(destroyed.barcode);
    expect(await barcodes(true)).not.toContain(destroyed.barcode);
    const byExpiry = await reader.caller.tapes.list({
      siteId: store.id,
      inService: true,
      sort: "dataExpiry",
      limit: 200,
    });
    expect(byExpiry.items.map((tape) => tape.barcode)).not.toContain(destroyed.barcode);
  });

  test("not for a job", async () => {
    const error = await clientError(staff.caller.jobs.create(jobInput({ tapeIds: [destroyed.id] })));
    expect(error.message).toBe(`Cartridge ${destroyed.barcode} is destroyed and cannot be added to a job`);
  });

  test("not on a rotation list, even off site with its data expiring", async () => {
    const away = await tapeWithData(-2);
    await staff.caller.locations.log({ tapeId: away.id, kind: "off_site", siteId: vault.id });
    const listed = async () =>
      (await reader.caller.rotation.list({ list: "bring_back", limit: 200 })).items.some((row) => row.id === away.id);
    expect(await listed()).toBe(true);
    await staff.caller.destruction.record(
      destructionInput([away.id], { vendor: "Shred-It North", vendorCertificate: "SN-1" }),
    );
    expect(await listed()).toBe(false);
  });

  test("its status cannot be edited, and no edit makes a cartridge destroyed", async () => {
    const error = await clientError(staff.caller.tapes.update({ id: destroyed.id, data: { status: "empty" } }));
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toBe(`${destroyed.barcode} is destroyed: its status cannot change`);
    await staff.caller.tapes.update({ id: destroyed.id, data: { notes: "Shredded" } });
    expect(await statusOf(destroyed.id)).toBe("destroyed");
    const other = await createTape(app.db);
    const refused = await clientError(
      staff.caller.tapes.update({ id: other.id, data: { status: "destroyed" as "empty" } }),
    );
    expect(refused.data.code).toBe("BAD_REQUEST");
    expect(await statusOf(other.id)).toBe("empty");
  });

  test("it cannot be deleted: it stays as evidence", async () => {
    const error = await clientError(staff.caller.tapes.delete({ id: destroyed.id }));
    expect(error.message).toBe(`${destroyed.barcode} is destroyed: it stays in the catalogue as evidence`);
  });
});

describe("return to scratch", () => {
  test("an expired cartridge on site becomes empty, audited, its jobs kept", async () => {
    const tape = await tapeWithData(-1);
    await staff.caller.tapes.update({ id: tape.id, data: { status: "full" } });
    await staff.caller.locations.log({ tapeId: tape.id, kind: "on_site", siteId: store.id });
    await staff.caller.tapes.returnToScratch({ id: tape.id });
    expect(await statusOf(tape.id)).toBe("empty");
    expect(await app.db.backupJobTape.count({ where: { tapeId: tape.id } })).toBe(1);
    const entry = await app.db.backupAuditLog.findFirstOrThrow({
      where: { entityType: "tape", entityId: tape.id, action: "return_to_scratch" },
    });
    expect(entry.changes).toEqual({ status: { from: "full", to: "empty" } });
  });

  test("refused while data has not expired, off site, in transit, destroyed or already empty", async () => {
    const unexpired = await tapeWithData(5);
    await staff.caller.tapes.update({ id: unexpired.id, data: { status: "full" } });
    const away = await tapeWithData(-1);
    await staff.caller.tapes.update({ id: away.id, data: { status: "full" } });
    await staff.caller.locations.log({ tapeId: away.id, kind: "off_site", siteId: vault.id });
    const moving = await tapeWithData(-1);
    await staff.caller.tapes.update({ id: moving.id, data: { status: "full" } });
    await staff.caller.locations.log({ tapeId: moving.id, kind: "in_transit" });
    const gone = await createTape(app.db);
    await staff.caller.destruction.record(destructionInput([gone.id]));
    const empty = await createTape(app.db);
    const before = await fingerprint(app.db);
    const messages = [];
    for (const tape of [unexpired, away, moving, gone, empty]) {
      const error = await clientError(staff.caller.tapes.returnToScratch({ id: tape.id }));
      expect(error.data.code).toBe("CONFLICT");
      messages.push(error.message);
    }
    expect(messages).toEqual([
      `${unexpired.barcode} holds data that does not expire until ${formatCalendarDate(unexpired.expiresAt)}`,
      `${away.barcode} is off site: bring it back first`,
      `${moving.barcode} is in transit: log where it arrived first`,
      `${gone.barcode} is destroyed`,
      `${empty.barcode} is already empty`,
    ]);
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
  });
});
