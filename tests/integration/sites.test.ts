import { beforeEach, describe, expect, test } from "vitest";
import type { Db } from "../../server/db";
import { createLocation, createTape } from "../factories/backup";
import { locationEvent } from "../factories/sync-events";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let staff: Caller;
let courier: Caller;

beforeEach(async () => {
  await truncateAll(app.db);
  staff = (await signedInUser(app, { role: "staff", name: "Sam Staff" })).caller;
  courier = (await signedInUser(app, { role: "courier", name: "Cora Courier" })).caller;
});

const auditOf = (db: Db, entityId: string) =>
  db.backupAuditLog.findMany({ where: { entityType: "site", entityId }, orderBy: { id: "asc" } });

/** Everything a refused change could have touched. */
async function state(db: Db) {
  return {
    sites: await db.backupSite.findMany({ orderBy: { id: "asc" } }),
    locations: await db.backupTapeLocation.findMany({ orderBy: { id: "asc" } }),
    audit: await db.backupAuditLog.count(),
  };
}

describe("sites", () => {
  test("a new site gets the next label code, and its creation is audited", async () => {
    const vault = await staff.sites.create({
      name: "  Iron Vault ",
      kind: "off_site",
      address: "1 Quarry Road",
      serviceProvider: "SafeStore",
      defaultCustodian: "Vera Vault",
    });
    const room = await staff.sites.create({ name: "Server room", kind: "on_site", address: "" });
    expect(vault).toMatchObject({ name: "Iron Vault", code: "SITE-0001", active: true, serviceProvider: "SafeStore" });
    expect(room).toMatchObject({ code: "SITE-0002", address: null, defaultCustodian: null });
    const [entry] = await auditOf(app.db, vault.id);
    expect(entry).toMatchObject({ action: "create", actorName: "Sam Staff" });
    expect(entry!.changes).toMatchObject({ name: { from: null, to: "Iron Vault" }, code: { to: "SITE-0001" } });
  });

  test("names are unique whatever their case, on create and on rename", async () => {
    const vault = await staff.sites.create({ name: "Iron Vault", kind: "off_site" });
    const other = await staff.sites.create({ name: "Granite Vault", kind: "off_site" });
    const before = await state(app.db);
    const clash = await clientError(staff.sites.create({ name: "IRON vault", kind: "off_site" }));
    expect(clash).toMatchObject({
      message: "A site named IRON vault already exists",
      data: { code: "CONFLICT", field: "name" },
    });
    const rename = await clientError(
      staff.sites.update({ id: other.id, data: { name: "iron vault", kind: "off_site" } }),
    );
    expect(rename.data.code).toBe("CONFLICT");
    expect(await state(app.db)).toEqual(before);
    // Its own name in another case is no clash.
    await staff.sites.update({ id: vault.id, data: { name: "IRON VAULT", kind: "off_site" } });
  });

  test("bad input is refused with its reason and changes nothing", async () => {
    const before = await state(app.db);
    const noName = await clientError(staff.sites.create({ name: "  ", kind: "off_site" }));
    expect(noName.data.fieldErrors?.name).toEqual(["Enter the site's name"]);
    const badKind = await clientError(staff.sites.create({ name: "Bus", kind: "in_transit" as "on_site" }));
    expect(badKind.data.fieldErrors?.kind).toEqual(["Choose on site or off site"]);
    expect(await state(app.db)).toEqual(before);
  });

  test("an edit is audited field by field; one that changes nothing writes no entry", async () => {
    const vault = await staff.sites.create({ name: "Iron Vault", kind: "off_site" });
    await staff.sites.update({
      id: vault.id,
      data: { name: "Iron Vault", kind: "off_site", serviceProvider: "SafeStore" },
    });
    await staff.sites.update({
      id: vault.id,
      data: { name: "Iron Vault", kind: "off_site", serviceProvider: "SafeStore" },
    });
    const entries = await auditOf(app.db, vault.id);
    expect(entries.map((entry) => entry.action)).toEqual(["create", "update"]);
    expect(entries[1]!.changes).toEqual({ serviceProvider: { from: null, to: "SafeStore" } });
  });

  test("a site is retired and reactivated, each once, and a retired one is offered to no form", async () => {
    const vault = await staff.sites.create({ name: "Iron Vault", kind: "off_site" });
    await staff.sites.setActive({ id: vault.id, active: false });
    await staff.sites.setActive({ id: vault.id, active: false });
    expect(await staff.sites.options()).toEqual([]);
    // Filters over where cartridges already are still offer it.
    expect(await staff.sites.options({ retired: true })).toMatchObject([{ name: "Iron Vault", active: false }]);
    expect((await staff.sites.list({})).items).toEqual([]);
    expect((await staff.sites.list({ status: "retired" })).items.map((site) => site.name)).toEqual(["Iron Vault"]);
    await staff.sites.setActive({ id: vault.id, active: true });
    expect((await auditOf(app.db, vault.id)).map((entry) => entry.action)).toEqual(["create", "retire", "reactivate"]);
    expect((await staff.sites.options()).map((site) => site.code)).toEqual(["SITE-0001"]);
  });

  test("couriers may read sites but not change them", async () => {
    const vault = await staff.sites.create({ name: "Iron Vault", kind: "off_site" });
    expect(await courier.sites.get({ id: vault.id })).toMatchObject({ name: "Iron Vault", cartridgesHere: 0 });
    const refused = await clientError(courier.sites.setActive({ id: vault.id, active: false }));
    expect(refused).toMatchObject({ message: "As a courier you cannot manage sites", data: { code: "FORBIDDEN" } });
  });
});

describe("locations at a site", () => {
  let tapeId: string;
  let barcode: string;
  let vault: { id: string };
  let room: { id: string };

  beforeEach(async () => {
    const tape = await staff.tapes.register({ barcode: "000777L9" });
    tapeId = tape.id;
    barcode = tape.barcode;
    vault = await staff.sites.create({ name: "Iron Vault", kind: "off_site" });
    room = await staff.sites.create({ name: "Server room", kind: "on_site" });
  });

  test("the desk form stores the site and its name, and the site's page and the list filter find the cartridge", async () => {
    const location = await courier.locations.log({
      tapeId,
      kind: "off_site",
      siteId: vault.id,
      site: "ignored",
      locker: "L-4",
    });
    expect(location).toMatchObject({ siteId: vault.id, site: "Iron Vault", locker: "L-4", isCurrent: true });
    const [entry] = await app.db.backupAuditLog.findMany({ where: { entityType: "location", entityId: location.id } });
    expect(entry!.changes).toMatchObject({ siteId: { from: null, to: vault.id }, site: { to: "Iron Vault" } });
    expect((await staff.sites.get({ id: vault.id })).cartridgesHere).toBe(1);
    expect((await staff.tapes.list({ siteId: vault.id })).items.map((tape) => tape.id)).toEqual([tapeId]);
    expect((await staff.tapes.list({ siteId: room.id })).items).toEqual([]);
    expect((await staff.tapes.summary()).bySite).toEqual([{ siteId: vault.id, name: "Iron Vault", count: 1 }]);

    // Moved on: the vault no longer lists it.
    await courier.locations.log({ tapeId, kind: "on_site", siteId: room.id });
    expect((await staff.tapes.list({ siteId: vault.id })).items).toEqual([]);
    expect((await staff.tapes.list({ siteId: room.id, locationKind: "on_site" })).items).toHaveLength(1);
  });

  test("a retired site, a site of the other kind or a site for a cartridge in transit is refused, nothing written", async () => {
    await staff.sites.setActive({ id: vault.id, active: false });
    const before = await state(app.db);
    const retired = await clientError(courier.locations.log({ tapeId, kind: "off_site", siteId: vault.id }));
    expect(retired).toMatchObject({ message: "Iron Vault is retired: choose another site", data: { field: "siteId" } });
    const wrongKind = await clientError(courier.locations.log({ tapeId, kind: "off_site", siteId: room.id }));
    expect(wrongKind.message).toBe("Server room is on site: log the cartridge as on site");
    const moving = await clientError(courier.locations.log({ tapeId, kind: "in_transit", siteId: room.id }));
    expect(moving.message).toBe("A cartridge in transit is at no site: leave the site empty");
    const unknown = await clientError(
      courier.locations.log({ tapeId, kind: "on_site", siteId: "0190a000-0000-7000-8000-000000000000" }),
    );
    expect(unknown.message).toBe("The site is not known: choose one from the list");
    expect(await state(app.db)).toEqual(before);
  });

  test("a phone's event naming a site is applied with it; one naming an unknown or retired site is rejected alone", async () => {
    const retired = await staff.sites.create({ name: "Old Vault", kind: "off_site" });
    await staff.sites.setActive({ id: retired.id, active: false });
    const good = {
      ...locationEvent(barcode, { kind: "off_site" }),
      payload: { barcode, kind: "off_site" as const, siteId: vault.id },
    };
    const gone = {
      ...locationEvent(barcode, { kind: "off_site" }),
      payload: { barcode, kind: "off_site" as const, siteId: retired.id },
    };
    const unknown = {
      ...locationEvent(barcode, { kind: "off_site" }),
      payload: { barcode, kind: "off_site" as const, siteId: "0190a000-0000-7000-8000-000000000000" },
    };
    const legacy = locationEvent(barcode, {
      kind: "on_site",
      site: "Basement shelf",
      occurredAt: new Date(Date.now() - 3_600_000),
    });
    const results = await courier.sync.push({ deviceId: "phone-1", events: [good, gone, unknown, legacy] });
    expect(results).toEqual([
      { id: good.id, status: "applied" },
      { id: gone.id, status: "rejected", reason: "Old Vault is retired: choose another site" },
      { id: unknown.id, status: "rejected", reason: "The site is not known: choose one from the list" },
      { id: legacy.id, status: "applied" },
    ]);
    const rows = await app.db.backupTapeLocation.findMany({ where: { tapeId }, orderBy: { occurredAt: "asc" } });
    expect(rows.map((row) => [row.siteId, row.site, row.isCurrent])).toEqual([
      [null, "Basement shelf", false],
      [vault.id, "Iron Vault", true],
    ]);
    expect(await app.db.syncEvent.count({ where: { status: "rejected" } })).toBe(2);
  });

  test("each catalogue page carries the active sites for the phone's picker", async () => {
    await staff.sites.setActive({ id: room.id, active: false });
    const page = await courier.sync.catalogue({});
    expect(page.sites).toEqual([
      {
        id: vault.id,
        name: "Iron Vault",
        code: "SITE-0001",
        kind: "off_site",
        active: true,
        serviceProvider: null,
        defaultCustodian: null,
      },
    ]);
  });
});

describe("mapping sites typed as text", () => {
  test("each text's locations get the chosen or a new site, in one audited change; sent again, nothing changes", async () => {
    const [a, b, c] = await Promise.all([createTape(app.db), createTape(app.db), createTape(app.db)]);
    await createLocation(app.db, a.id, { site: "Iron Vault", isCurrent: true });
    await createLocation(app.db, b.id, { site: "Iron Vault", isCurrent: false });
    await createLocation(app.db, b.id, { site: "basement", isCurrent: true });
    await createLocation(app.db, c.id, { site: "Elsewhere", isCurrent: true });
    const vault = await staff.sites.create({ name: "iron vault", kind: "off_site" });

    expect(await courier.sites.legacyTexts()).toEqual([
      { text: "Elsewhere", locations: 1, current: 1, sameName: null },
      { text: "Iron Vault", locations: 2, current: 1, sameName: { id: vault.id, name: "iron vault" } },
      { text: "basement", locations: 1, current: 1, sameName: null },
    ]);

    const mapping = {
      mappings: [
        { text: "Iron Vault", siteId: vault.id },
        { text: "basement", create: { name: "Basement", kind: "on_site" as const } },
      ],
    };
    const mapped = await staff.sites.mapLegacy(mapping);
    const basement = await app.db.backupSite.findFirstOrThrow({ where: { name: "Basement" } });
    expect(mapped).toEqual([
      { text: "Iron Vault", siteId: vault.id, locations: 2 },
      { text: "basement", siteId: basement.id, locations: 1 },
    ]);
    // The text recorded stays as it was.
    expect((await app.db.backupTapeLocation.findMany({ where: { siteId: vault.id } })).map((row) => row.site)).toEqual([
      "Iron Vault",
      "Iron Vault",
    ]);
    expect((await auditOf(app.db, vault.id)).at(-1)).toMatchObject({
      action: "map_legacy",
      changes: { text: { from: null, to: "Iron Vault" }, locations: { from: 0, to: 2 } },
    });
    expect((await auditOf(app.db, basement.id)).map((entry) => entry.action)).toEqual(["create", "map_legacy"]);
    expect(await courier.sites.legacyTexts()).toEqual([
      { text: "Elsewhere", locations: 1, current: 1, sameName: null },
    ]);

    const before = await state(app.db);
    expect(await staff.sites.mapLegacy(mapping)).toEqual([]);
    expect(await state(app.db)).toEqual(before);
  });

  test("a mapping that fails midway changes nothing", async () => {
    const tape = await createTape(app.db);
    await createLocation(app.db, tape.id, { site: "Iron Vault", isCurrent: true });
    await createLocation(app.db, tape.id, { site: "Granite", isCurrent: false });
    await staff.sites.create({ name: "Granite", kind: "off_site" });
    const before = await state(app.db);
    const refused = await clientError(
      staff.sites.mapLegacy({
        mappings: [
          { text: "Iron Vault", create: { name: "Iron Vault", kind: "off_site" } },
          { text: "Granite", create: { name: "GRANITE", kind: "off_site" } },
        ],
      }),
    );
    expect(refused).toMatchObject({
      message: "A site named Granite already exists: choose it instead",
      data: { code: "CONFLICT" },
    });
    expect(await state(app.db)).toEqual(before);
  });
});
