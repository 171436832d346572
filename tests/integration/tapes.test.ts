import { beforeEach, describe, expect, test } from "vitest";
import { parseLtoLabel } from "../../lib/lto";
import type { TapeListInput } from "../../lib/tapes";
import type { Db } from "../../server/db";
import fc from "fast-check";
import { compactCatalogueCounts } from "../../server/tapes/counts";
import { createCustody, createJob, nextBarcode } from "../factories/backup";
import { createJobExpiring, daysFromNow, linkTape } from "../factories/tape-jobs";
import type { TestUser } from "../factories/users";
import { callerFor, clientError, requestHeaders, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let staff: { user: TestUser; caller: Caller };

beforeEach(async () => {
  await truncateAll(app.db);
  staff = await signedInUser(app, { role: "staff", name: "Sam Staff" });
});

const TB = 1_000_000_000_000n;

/** Everything a write to the catalogue could touch, to show that a refused call touched none of it. */
async function catalogueState(db: Db) {
  return {
    tapes: await db.backupTapeCartridge.findMany({ orderBy: { id: "asc" } }),
    locations: await db.backupTapeLocation.count(),
    custodyEvents: await db.backupTapeCustody.count(),
    jobs: await db.backupJob.count(),
    jobLinks: await db.backupJobTape.count(),
    auditEntries: await db.backupAuditLog.count(),
  };
}

const auditOf = (entityId: string) =>
  app.db.backupAuditLog.findMany({ where: { entityType: "tape", entityId }, orderBy: { id: "asc" } });

describe("registering a cartridge", () => {
  test("fills generation, media and capacity from the label and audits the creation", async () => {
    const tape = await staff.caller.tapes.register({
      barcode: "000123L9",
      tags: ["Monthly", "finance", "monthly"],
      notes: " vault copy ",
    });

    expect(tape).toMatchObject({
      barcode: "000123L9",
      mediaId: "L9",
      generation: 9,
      mediaType: "data",
      nativeCapacityBytes: 18n * TB,
      status: "empty",
      tags: ["monthly", "finance"],
      notes: "vault copy",
    });
    const entries = await auditOf(tape.id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      action: "create",
      actorId: staff.user.id,
      actorName: "Sam Staff",
      changes: {
        barcode: { from: null, to: "000123L9" },
        generation: { from: null, to: 9 },
        nativeCapacityBytes: { from: null, to: (18n * TB).toString() },
        status: { from: null, to: "empty" },
      },
    });
  });

  test("WORM and cleaning cartridges get their media type; cleaning ones no generation or capacity", async () => {
    const worm = await staff.caller.tapes.register({ barcode: "WRM006LZ" });
    const cleaning = await staff.caller.tapes.register({ barcode: "CLN001L1" });

    expect(worm).toMatchObject({ mediaId: "LZ", generation: 9, mediaType: "worm", nativeCapacityBytes: 18n * TB });
    expect(cleaning).toMatchObject({
      mediaId: "L1",
      generation: null,
      mediaType: "cleaning",
      nativeCapacityBytes: null,
    });
  });

  test("a capacity given overrides the label's", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000124L8", nativeCapacityBytes: 11_500_000_000_000n });
    expect(tape).toMatchObject({ generation: 8, nativeCapacityBytes: 11_500_000_000_000n });
  });

  test.each([
    ["lower case", "000125l7"],
    ["scanner whitespace", "  000125L7\r\n"],
    ["Code 39 asterisks", "*000125L7*"],
    ["all of them", " *000125l7* "],
  ])("a label in %s is stored normalised", async (_, input) => {
    const tape = await staff.caller.tapes.register({ barcode: input });
    expect(tape).toMatchObject({ barcode: "000125L7", mediaId: "L7", generation: 7 });
  });

  test.each(["000123L0", "00123L9", "000-23L9", "000123LB", ""])(
    "an invalid label (%j) is a bad request with the parser's message, and nothing is written",
    async (label) => {
      const parsed = parseLtoLabel(label);
      if (parsed.ok) throw new Error(`${label} is supposed to be invalid`);
      const before = await catalogueState(app.db);

      const error = await clientError(staff.caller.tapes.register({ barcode: label }));

      expect(error.data.code).toBe("BAD_REQUEST");
      expect(error.data.fieldErrors?.barcode).toEqual([parsed.error]);
      expect(await catalogueState(app.db)).toEqual(before);
    },
  );

  test("a barcode already registered is a conflict on the barcode field, however it was typed", async () => {
    await staff.caller.tapes.register({ barcode: "000126L9" });
    const before = await catalogueState(app.db);

    const error = await clientError(
      staff.caller.tapes.register({ barcode: " *000126l9*", status: "full", notes: "again" }),
    );

    expect(error.data.code).toBe("CONFLICT");
    expect(error.data.field).toBe("barcode");
    expect(error.message).toMatch(/000126L9 is already registered/);
    expect(await catalogueState(app.db)).toEqual(before);
  });
});

describe("updating a cartridge", () => {
  test("writes one audit entry with only the fields that changed, before and after", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000200L8", tags: ["weekly"], notes: "shelf A" });

    await staff.caller.tapes.update({
      id: tape.id,
      data: { status: "in_use", tags: ["weekly", "finance"], notes: "shelf A", nativeCapacityBytes: 12n * TB },
    });

    const entries = await auditOf(tape.id);
    expect(entries.map((entry) => entry.action)).toEqual(["create", "update"]);
    expect(entries[1]).toMatchObject({ actorId: staff.user.id, actorName: "Sam Staff" });
    expect(entries[1]!.changes).toEqual({
      status: { from: "empty", to: "in_use" },
      tags: { from: ["weekly"], to: ["weekly", "finance"] },
    });
    expect(await app.db.backupTapeCartridge.findUniqueOrThrow({ where: { id: tape.id } })).toMatchObject({
      status: "in_use",
      tags: ["weekly", "finance"],
      notes: "shelf A",
    });
  });

  test("records a capacity change as decimal strings and a cleared note as null", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000201L8", notes: "temporary" });

    await staff.caller.tapes.update({
      id: tape.id,
      data: { status: "empty", nativeCapacityBytes: 9n * TB, notes: "  " },
    });

    expect((await auditOf(tape.id))[1]!.changes).toEqual({
      nativeCapacityBytes: { from: (12n * TB).toString(), to: (9n * TB).toString() },
      notes: { from: "temporary", to: null },
    });
  });

  test("an update that changes nothing writes no audit entry", async () => {
    const tape = await staff.caller.tapes.register({
      barcode: "000202L8",
      status: "full",
      tags: ["archive"],
      notes: "keep",
    });

    await staff.caller.tapes.update({ id: tape.id, data: { status: "full", tags: ["Archive"], notes: " keep " } });
    await staff.caller.tapes.update({
      id: tape.id,
      data: { status: "full", tags: ["archive"], notes: "keep", nativeCapacityBytes: 12n * TB },
    });

    expect((await auditOf(tape.id)).map((entry) => entry.action)).toEqual(["create"]);
  });

  test("an unknown cartridge is not found and nothing is written", async () => {
    const before = await catalogueState(app.db);
    const error = await clientError(
      staff.caller.tapes.update({ id: "0190a000-0000-7000-8000-000000000000", data: { status: "full" } }),
    );
    expect(error.data.code).toBe("NOT_FOUND");
    expect(await catalogueState(app.db)).toEqual(before);
  });
});

describe("listing cartridges", () => {
  /**
   * A: on site; B: off site; C: no location; D: in transit now, with an older off-site entry synced
   * after it (so only its current location may count); E: WORM, no location.
   */
  async function catalogue() {
    const register = (barcode: string, extra: { status?: "empty" | "in_use" | "full"; tags?: string[] } = {}) =>
      staff.caller.tapes.register({ barcode, ...extra });
    const a = await register("000001L8", { tags: ["monthly"] });
    const b = await register("000002L9", { status: "in_use", tags: ["monthly", "finance"] });
    const c = await register("000003L9", { status: "full" });
    const d = await register("CLN001L1");
    const e = await register("WRM000LT", { status: "full", tags: ["finance"] });
    const hourAgo = daysFromNow(-1 / 24);
    await staff.caller.locations.log({ tapeId: a.id, kind: "on_site", site: "Server room" });
    await staff.caller.locations.log({ tapeId: b.id, kind: "off_site", site: "Iron Vault" });
    await staff.caller.locations.log({ tapeId: d.id, kind: "in_transit", occurredAt: hourAgo });
    await staff.caller.locations.log({ tapeId: d.id, kind: "off_site", occurredAt: daysFromNow(-1) });
    return { a, b, c, d, e };
  }

  const barcodes = async (input: TapeListInput) =>
    (await staff.caller.tapes.list(input)).items.map((tape) => tape.barcode);

  test("filters by status, generation, tag, search and current location kind", async () => {
    await catalogue();

    expect(await barcodes({})).toEqual(["000001L8", "000002L9", "000003L9", "CLN001L1", "WRM000LT"]);
    expect(await barcodes({ status: "full" })).toEqual(["000003L9", "WRM000LT"]);
    expect(await barcodes({ status: "destroyed" })).toEqual([]);
    expect(await barcodes({ generation: 9 })).toEqual(["000002L9", "000003L9"]);
    expect(await barcodes({ generation: 3 })).toEqual(["WRM000LT"]);
    expect(await barcodes({ tag: "Finance " })).toEqual(["000002L9", "WRM000LT"]);
    expect(await barcodes({ tag: "monthly", status: "in_use" })).toEqual(["000002L9"]);
    expect(await barcodes({ search: "l9" })).toEqual(["000002L9", "000003L9"]);
    expect(await barcodes({ search: " *000001" })).toEqual(["000001L8"]);
    // LIKE's wildcards in the search are plain characters, in either query the list may run.
    expect(await barcodes({ search: "%" })).toEqual([]);
    expect(await barcodes({ search: "0_0" })).toEqual([]);
    expect(await barcodes({ search: "0_0", sort: "nextMove" })).toEqual([]);
    expect((await barcodes({ search: "00000", sort: "nextMove" })).sort()).toEqual([
      "000001L8",
      "000002L9",
      "000003L9",
    ]);
    expect(await barcodes({ locationKind: "on_site" })).toEqual(["000001L8"]);
    expect(await barcodes({ locationKind: "off_site" })).toEqual(["000002L9"]);
    expect(await barcodes({ locationKind: "in_transit" })).toEqual(["CLN001L1"]);
    expect(await barcodes({ locationKind: "none" })).toEqual(["000003L9", "WRM000LT"]);
    expect(await barcodes({ locationKind: "none", status: "full", generation: 9 })).toEqual(["000003L9"]);
  });

  test("the site filter holds in every order, those computed from rotation included", async () => {
    const [vault, room] = [
      await staff.caller.sites.create({ name: "Iron Vault", kind: "off_site" }),
      await staff.caller.sites.create({ name: "Server room", kind: "on_site" }),
    ];
    const { a, b } = await catalogue();
    await staff.caller.locations.log({ tapeId: a.id, kind: "on_site", siteId: room.id });
    await staff.caller.locations.log({ tapeId: b.id, kind: "off_site", siteId: vault.id });
    for (const sort of ["barcode", "createdAt", "nextMove", "dataExpiry"] as const) {
      expect([sort, await barcodes({ siteId: vault.id, sort })]).toEqual([sort, ["000002L9"]]);
      expect([sort, await barcodes({ siteId: room.id, sort })]).toEqual([sort, ["000001L8"]]);
    }
  });

  test("each item carries its current location and the latest expiry of its jobs", async () => {
    const { b, c } = await catalogue();
    const later = await createJobExpiring(app.db, daysFromNow(90));
    const sooner = await createJobExpiring(app.db, daysFromNow(10), { retentionDays: 5 });
    await linkTape(app.db, later.id, b.id);
    await linkTape(app.db, sooner.id, b.id);

    const items = (await staff.caller.tapes.list({})).items;
    const itemB = items.find((tape) => tape.id === b.id);
    const itemC = items.find((tape) => tape.id === c.id);
    expect(itemB?.currentLocation).toMatchObject({ kind: "off_site", site: "Iron Vault", isCurrent: true });
    expect(itemB?.expiresAt).toEqual(later.expiresAt);
    expect(itemC).toMatchObject({ currentLocation: null, expiresAt: null });
  });

  test("sorts by barcode, registration and last change, either way", async () => {
    const { a, b, c, d, e } = await catalogue();
    // Registered in this order; B changed last.
    await staff.caller.tapes.update({ id: b.id, data: { status: "full" } });

    expect(await barcodes({ sort: "barcode", direction: "desc" })).toEqual([
      "WRM000LT",
      "CLN001L1",
      "000003L9",
      "000002L9",
      "000001L8",
    ]);
    expect(await barcodes({ sort: "createdAt", direction: "asc" })).toEqual(
      [a, b, c, d, e].map((tape) => tape.barcode),
    );
    expect(await barcodes({ sort: "createdAt", direction: "desc" })).toEqual(
      [e, d, c, b, a].map((tape) => tape.barcode),
    );
    expect((await barcodes({ sort: "updatedAt", direction: "desc" }))[0]).toBe("000002L9");
    expect((await barcodes({ sort: "updatedAt", direction: "asc" })).at(-1)).toBe("000002L9");
  });

  describe("keyset pagination", () => {
    const SORTS = ["barcode", "createdAt", "updatedAt"] as const;

    /** 23 cartridges; groups of four share their timestamps, so the id has to break ties across pages. */
    async function manyTapes() {
      const ids: string[] = [];
      for (let n = 0; n < 23; n++) {
        const tape = await staff.caller.tapes.register({
          barcode: `P${String((n * 7) % 23).padStart(5, "0")}L${(n % 9) + 1}`,
        });
        ids.push(tape.id);
      }
      for (let group = 0; group < ids.length; group += 4) {
        const at = new Date(Date.UTC(2026, 0, 1 + group));
        await app.db.$executeRaw`
          UPDATE backup_tape_cartridge SET created_at = ${at}, updated_at = ${new Date(at.getTime() + 3_600_000)}
          WHERE id = ANY(${ids.slice(group, group + 4)}::text[])`;
      }
      return ids;
    }

    /** The order a listing must have: by the sort field, then by id, both in the given direction. */
    async function expectedOrder(sort: (typeof SORTS)[number], direction: "asc" | "desc") {
      const rows = await app.db.backupTapeCartridge.findMany();
      const key = (row: (typeof rows)[number]) => {
        const value = row[sort];
        return value instanceof Date ? value.getTime() : value;
      };
      const sign = direction === "asc" ? 1 : -1;
      return rows
        .sort((x, y) => {
          const [kx, ky] = [key(x), key(y)];
          if (kx !== ky) return (kx < ky ? -1 : 1) * sign;
          return (x.id < y.id ? -1 : 1) * sign;
        })
        .map((row) => row.id);
    }

    test.each(SORTS.flatMap((sort) => (["asc", "desc"] as const).map((direction) => [sort, direction] as const)))(
      "by %s %s, pages of 5 return every cartridge exactly once, in order",
      async (sort, direction) => {
        await manyTapes();
        const expected = await expectedOrder(sort, direction);

        const pages: string[][] = [];
        let cursor: string | undefined;
        do {
          const page = await staff.caller.tapes.list({ sort, direction, limit: 5, cursor });
          pages.push(page.items.map((tape) => tape.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor && pages.length < 20);

        expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 3]);
        expect(pages.flat()).toEqual(expected);
        expect((await staff.caller.tapes.list({ sort, direction, limit: 200 })).items.map((tape) => tape.id)).toEqual(
          expected,
        );
      },
    );

    test("filters hold across pages, and a list that exactly fills its last page has no next cursor", async () => {
      await manyTapes();
      const nine = (await app.db.backupTapeCartridge.findMany({ where: { generation: 9 } })).length;
      const first = await staff.caller.tapes.list({ generation: 9, limit: 1 });
      const second = await staff.caller.tapes.list({ generation: 9, limit: 1, cursor: first.nextCursor! });
      expect(nine).toBe(2);
      expect(second.items).toHaveLength(1);
      expect(second.items[0]!.id).not.toBe(first.items[0]!.id);
      expect(second.nextCursor).toBeNull();
    });

    test("a tampered cursor, or one from another order or list, is a bad request that says why", async () => {
      const { a } = await catalogue();
      const good = (await staff.caller.tapes.list({ limit: 2 })).nextCursor!;
      const forged = (value: unknown) =>
        Buffer.from(JSON.stringify(["tapes:barcode:asc", value, a.id])).toString("base64url");
      for (const cursor of ["not a cursor", good.slice(0, -3), forged(42), forged("\u0000")]) {
        const error = await clientError(staff.caller.tapes.list({ cursor }));
        expect(error.data.code, `${cursor}: ${error.message}`).toBe("BAD_REQUEST");
        expect(error.message).toMatch(/page cursor is not valid/);
      }

      const byDate = (await staff.caller.tapes.list({ sort: "createdAt", direction: "desc", limit: 2 })).nextCursor!;
      await createJob(app.db);
      await createJob(app.db);
      const jobCursor = (await staff.caller.jobs.list({ limit: 1 })).nextCursor!;
      const foreign = [
        { sort: "barcode", cursor: byDate },
        { sort: "createdAt", direction: "asc", cursor: byDate },
        { sort: "updatedAt", direction: "desc", cursor: byDate },
        { sort: "createdAt", direction: "desc", cursor: good },
        { sort: "barcode", cursor: jobCursor },
      ] as const;
      for (const input of foreign) {
        const error = await clientError(staff.caller.tapes.list(input));
        expect(error.data.code, JSON.stringify(input)).toBe("BAD_REQUEST");
        expect(error.message).toMatch(/made for another sort order/);
      }
    });
  });

  test("byBarcode finds a cartridge by its label however it was typed, and null for an unknown one", async () => {
    const { b } = await catalogue();
    expect(await staff.caller.tapes.byBarcode({ barcode: " *000002l9*\n" })).toEqual({
      id: b.id,
      barcode: "000002L9",
      status: "in_use",
    });
    expect(await staff.caller.tapes.byBarcode({ barcode: "000009L9" })).toBeNull();
  });
});

describe("catalogue summary", () => {
  test("counts cartridges by status and by current location kind, and those with no location", async () => {
    const tapes = await Promise.all(
      (["000010L8", "000011L8", "000012L8", "000013L8", "000014L8"] as const).map((barcode) =>
        staff.caller.tapes.register({ barcode }),
      ),
    );
    const [t0, t1, t2, t3] = tapes as [(typeof tapes)[0], (typeof tapes)[0], (typeof tapes)[0], (typeof tapes)[0]];
    await staff.caller.tapes.update({ id: t0.id, data: { status: "full" } });
    await staff.caller.tapes.update({ id: t1.id, data: { status: "full" } });
    await staff.caller.tapes.update({ id: t2.id, data: { status: "pending_destruction" } });
    await staff.caller.locations.log({ tapeId: t0.id, kind: "on_site" });
    // Moved off site later: only the current location counts.
    await staff.caller.locations.log({ tapeId: t0.id, kind: "off_site" });
    await staff.caller.locations.log({ tapeId: t1.id, kind: "off_site" });
    await staff.caller.locations.log({ tapeId: t2.id, kind: "in_transit" });
    await staff.caller.locations.log({ tapeId: t3.id, kind: "on_site" });
    await createJobExpiring(app.db, daysFromNow(400));

    const summary = await staff.caller.tapes.summary();

    expect(summary).toMatchObject({
      tapes: 5,
      jobs: 1,
      byStatus: { full: 2, pending_destruction: 1, empty: 2 },
      byLocation: { off_site: 2, in_transit: 1, on_site: 1, none: 1 },
      expiringSoon: 0,
      expiringWindowDays: 30,
    });
  });

  test("expiring soon counts only cartridges whose latest job expiry is within the next 30 days", async () => {
    const tape = async (barcode: string, ...expiries: number[]) => {
      const created = await staff.caller.tapes.register({ barcode });
      for (const days of expiries)
        await linkTape(app.db, (await createJobExpiring(app.db, daysFromNow(days))).id, created.id);
      return created;
    };
    await tape("000020L9", 10); // counted
    await tape("000021L9", 2, 29); // counted once, both jobs in the window
    await tape("000022L9", 10, 60); // a later job keeps its data: not counted
    await tape("000023L9", -1); // already expired
    await tape("000024L9", -5, 20); // latest in the window: counted
    await tape("000025L9", 31); // beyond the window
    await tape("000026L9"); // no jobs
    // One job on two cartridges counts each cartridge once.
    const shared = await createJobExpiring(app.db, daysFromNow(15));
    const first = await tape("000027L9");
    const second = await tape("000028L9", 45);
    await linkTape(app.db, shared.id, first.id, 1);
    await linkTape(app.db, shared.id, second.id, 2);

    expect((await staff.caller.tapes.summary()).expiringSoon).toBe(4);
  });
});

describe("property: the kept counts equal a recount", () => {
  const STATUSES = ["empty", "in_use", "full", "pending_destruction", "destroyed"] as const;
  const KINDS = ["on_site", "in_transit", "off_site"] as const;
  const slot = fc.nat(9);
  const step = fc.oneof(
    fc.record({
      op: fc.constant("tapes" as const),
      count: fc.integer({ min: 1, max: 3 }),
      status: fc.constantFrom(...STATUSES),
    }),
    fc.record({ op: fc.constant("status" as const), tape: slot, status: fc.constantFrom(...STATUSES) }),
    fc.record({ op: fc.constant("deleteTape" as const), tape: slot }),
    fc.record({ op: fc.constant("job" as const) }),
    fc.record({ op: fc.constant("deleteJob" as const), job: slot }),
    // A new current location replaces the cartridge's previous one, as the location service does.
    fc.record({ op: fc.constant("move" as const), tape: slot, kind: fc.constantFrom(...KINDS), site: fc.nat(2) }),
    fc.record({ op: fc.constant("deleteLocation" as const), tape: slot }),
    fc.record({ op: fc.constant("site" as const), tape: slot, site: fc.nat(2) }),
    fc.record({ op: fc.constant("compact" as const) }),
  );

  /** The summary's counts worked out from the rows themselves. */
  async function recount(db: Db) {
    const tapes = await db.backupTapeCartridge.findMany({ select: { status: true } });
    const current = await db.backupTapeLocation.findMany({ where: { isCurrent: true } });
    const tally = <T extends string>(values: T[]) => {
      const counts: Partial<Record<T, number>> = {};
      for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
      return counts;
    };
    const bySite = tally(current.map((row) => row.siteId ?? ""));
    return {
      tapes: tapes.length,
      jobs: await db.backupJob.count(),
      byStatus: tally(tapes.map((tape) => tape.status)),
      byLocation: { ...tally(current.map((row) => row.kind)), none: tapes.length - current.length },
      bySite: Object.entries(bySite)
        .map(([siteId, count]) => ({ siteId: siteId || null, count }))
        .sort((a, b) => String(a.siteId).localeCompare(String(b.siteId))),
    };
  }

  test("after random registrations, status changes, moves, deletes and cascades", async () => {
    const sites = await Promise.all(
      ["Server room", "Iron Vault", "Annex"].map((name, n) =>
        app.db.backupSite.create({ data: { name, kind: n === 1 ? "off_site" : "on_site" } }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        await app.db.backupJob.deleteMany();
        await app.db.backupTapeCartridge.deleteMany();
        const tapes: string[] = [];
        const jobs: string[] = [];
        const pick = (ids: string[], index: number) => (ids.length ? ids[index % ids.length]! : null);
        for (const s of steps) {
          const tapeId = "tape" in s ? pick(tapes, s.tape) : null;
          if (s.op === "tapes") {
            const barcodes = Array.from({ length: s.count }, () => nextBarcode());
            await app.db.backupTapeCartridge.createMany({
              data: barcodes.map((barcode) => ({
                barcode,
                mediaId: "L9",
                generation: 9,
                mediaType: "data",
                status: s.status,
              })),
            });
            const created = await app.db.backupTapeCartridge.findMany({ where: { barcode: { in: barcodes } } });
            tapes.push(...created.map((tape) => tape.id));
          } else if (s.op === "job") jobs.push((await createJob(app.db)).id);
          else if (s.op === "deleteJob") {
            const jobId = pick(jobs, s.job);
            if (jobId) {
              await app.db.backupJob.delete({ where: { id: jobId } });
              jobs.splice(jobs.indexOf(jobId), 1);
            }
          } else if (s.op === "compact") await compactCatalogueCounts(app.db);
          else if (!tapeId) continue;
          else if (s.op === "status")
            await app.db.backupTapeCartridge.update({ where: { id: tapeId }, data: { status: s.status } });
          else if (s.op === "deleteTape") {
            await app.db.backupTapeCartridge.delete({ where: { id: tapeId } });
            tapes.splice(tapes.indexOf(tapeId), 1);
          } else if (s.op === "move") {
            await app.db.$transaction([
              app.db.backupTapeLocation.updateMany({ where: { tapeId, isCurrent: true }, data: { isCurrent: false } }),
              app.db.backupTapeLocation.create({
                data: {
                  tapeId,
                  kind: s.kind,
                  siteId: s.kind === "in_transit" ? null : sites[s.site]!.id,
                  occurredAt: new Date(),
                  recordedByName: "Property",
                  isCurrent: true,
                },
              }),
            ]);
          } else if (s.op === "deleteLocation")
            await app.db.backupTapeLocation.deleteMany({ where: { tapeId, isCurrent: true } });
          else if (s.op === "site")
            await app.db.backupTapeLocation.updateMany({
              where: { tapeId, isCurrent: true },
              data: { siteId: sites[s.site]!.id },
            });
        }
        const summary = await staff.caller.tapes.summary();
        expect({
          tapes: summary.tapes,
          jobs: summary.jobs,
          byStatus: summary.byStatus,
          byLocation: summary.byLocation,
          bySite: summary.bySite
            .map(({ siteId, count }) => ({ siteId, count }))
            .sort((a, b) => String(a.siteId).localeCompare(String(b.siteId))),
        }).toEqual(await recount(app.db));
      }),
      { numRuns: 40, seed: 20261202 },
    );
  }, 300_000);
});

describe("a cartridge's page", () => {
  test("has the latest job expiry, its jobs with positions and its location history newest first", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000300L9" });
    const other = await staff.caller.tapes.register({ barcode: "000301L9" });
    // The job written first is kept longest: the effective expiry is the latest expiry, not the latest job's.
    const archive = await createJobExpiring(app.db, daysFromNow(365), { name: "Yearly archive", retentionDays: 400 });
    const nightly = await createJobExpiring(app.db, daysFromNow(5), { name: "Nightly", retentionDays: 7 });
    await linkTape(app.db, archive.id, other.id, 1);
    await linkTape(app.db, archive.id, tape.id, 2);
    await linkTape(app.db, nightly.id, tape.id, 1);
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000);
    await staff.caller.locations.log({ tapeId: tape.id, kind: "in_transit", occurredAt: at(5) });
    await staff.caller.locations.log({ tapeId: tape.id, kind: "off_site", site: "Iron Vault", occurredAt: at(1) });
    await staff.caller.locations.log({ tapeId: tape.id, kind: "on_site", site: "Server room", occurredAt: at(30) });

    const page = await staff.caller.tapes.get({ id: tape.id });

    expect(page.expiresAt).toEqual(archive.expiresAt);
    expect(
      page.jobs.map((link) => ({ name: link.job.name, position: link.position, tapes: link.job._count.tapes })),
    ).toEqual([
      { name: "Nightly", position: 1, tapes: 1 },
      { name: "Yearly archive", position: 2, tapes: 2 },
    ]);
    expect(page.locations.map((location) => [location.kind, location.isCurrent])).toEqual([
      ["off_site", true],
      ["in_transit", false],
      ["on_site", false],
    ]);
    expect(page.currentLocation).toMatchObject({ kind: "off_site", site: "Iron Vault" });
  });

  test("a cartridge without jobs has no expiry; an unknown one is not found", async () => {
    const tape = await staff.caller.tapes.register({ barcode: "000302L9" });
    expect(await staff.caller.tapes.get({ id: tape.id })).toMatchObject({
      expiresAt: null,
      currentLocation: null,
      jobs: [],
    });
    await expect(staff.caller.tapes.get({ id: "0190a000-0000-7000-8000-000000000000" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("deleting a cartridge", () => {
  async function tapeWithHistory() {
    const tape = await staff.caller.tapes.register({ barcode: "000400L9", status: "full" });
    const keep = await staff.caller.tapes.register({ barcode: "000401L9" });
    await staff.caller.locations.log({ tapeId: tape.id, kind: "on_site", occurredAt: daysFromNow(-2) });
    await staff.caller.locations.log({ tapeId: tape.id, kind: "off_site" });
    await staff.caller.locations.log({ tapeId: keep.id, kind: "on_site" });
    await staff.caller.custody.record({ tapeId: tape.id, fromParty: "Ops", toParty: "Courier", signerName: "Carl" });
    await createCustody(app.db, keep.id);
    const jobs = [await createJobExpiring(app.db, daysFromNow(10)), await createJobExpiring(app.db, daysFromNow(20))];
    await linkTape(app.db, jobs[0]!.id, tape.id, 1);
    await linkTape(app.db, jobs[0]!.id, keep.id, 2);
    await linkTape(app.db, jobs[1]!.id, tape.id, 1);
    return { tape, keep, jobs };
  }

  test("the preview counts what goes with it", async () => {
    const { tape } = await tapeWithHistory();
    expect(await staff.caller.tapes.deletePreview({ id: tape.id })).toEqual({
      barcode: "000400L9",
      locations: 2,
      custodyEvents: 1,
      jobLinks: 2,
    });
  });

  test("removes its locations, custody events and job links; jobs, other cartridges and the audit trail stay; spans close up", async () => {
    const { tape, keep, jobs } = await tapeWithHistory();
    const auditBefore = await app.db.backupAuditLog.findMany({ orderBy: { id: "asc" } });

    const result = await staff.caller.tapes.delete({ id: tape.id });

    expect(result).toEqual({ barcode: "000400L9", locations: 2, custodyEvents: 1, jobLinks: 2 });
    expect(await app.db.backupTapeCartridge.findUnique({ where: { id: tape.id } })).toBeNull();
    expect(await app.db.backupTapeLocation.count({ where: { tapeId: tape.id } })).toBe(0);
    expect(await app.db.backupTapeCustody.count({ where: { tapeId: tape.id } })).toBe(0);
    expect(await app.db.backupJobTape.count({ where: { tapeId: tape.id } })).toBe(0);
    expect(await app.db.backupJob.findMany({ orderBy: { id: "asc" }, select: { id: true } })).toEqual(
      jobs.map((job) => ({ id: job.id })).sort((x, y) => (x.id < y.id ? -1 : 1)),
    );
    expect(await app.db.backupTapeLocation.count({ where: { tapeId: keep.id } })).toBe(1);
    expect(await app.db.backupTapeCustody.count({ where: { tapeId: keep.id } })).toBe(1);
    // The other cartridge of the first job moves up to position 1: a span never has a gap.
    expect(
      await app.db.backupJobTape.findMany({ where: { jobId: jobs[0]!.id }, select: { tapeId: true, position: true } }),
    ).toEqual([{ tapeId: keep.id, position: 1 }]);
    expect(await app.db.backupJobTape.count({ where: { jobId: jobs[1]!.id } })).toBe(0);

    const auditAfter = await app.db.backupAuditLog.findMany({ orderBy: { id: "asc" } });
    expect(auditAfter.slice(0, auditBefore.length)).toEqual(auditBefore);
    const spanChanges = new Map([
      [jobs[0]!.id, { from: ["000400L9", "000401L9"], to: ["000401L9"] }],
      [jobs[1]!.id, { from: ["000400L9"], to: [] }],
    ]);
    // Each job's new span, in the order the jobs are locked (by id), then the cartridge's deletion.
    expect(auditAfter.slice(auditBefore.length)).toEqual([
      ...[...spanChanges.keys()].sort().map((jobId) =>
        expect.objectContaining({
          entityType: "job",
          entityId: jobId,
          action: "span",
          actorId: staff.user.id,
          changes: { tapes: spanChanges.get(jobId) },
        }),
      ),
      expect.objectContaining({
        entityType: "tape",
        entityId: tape.id,
        action: "delete",
        actorId: staff.user.id,
        changes: expect.objectContaining({
          barcode: { from: "000400L9", to: null },
          status: { from: "full", to: null },
          removed: { from: { locations: 2, custodyEvents: 1, jobLinks: 2 }, to: null },
        }),
      }),
    ]);
  });

  test("an unknown cartridge is not found", async () => {
    const missing = { id: "0190a000-0000-7000-8000-000000000000" };
    await expect(staff.caller.tapes.deletePreview(missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(staff.caller.tapes.delete(missing)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("access", () => {
  async function seeded() {
    const tape = await staff.caller.tapes.register({ barcode: "000500L9", tags: ["monthly"] });
    await staff.caller.locations.log({ tapeId: tape.id, kind: "on_site" });
    await staff.caller.custody.record({ tapeId: tape.id, fromParty: "Ops", toParty: "Courier", signerName: "Carl" });
    return tape;
  }

  const writes = (caller: Caller, tapeId: string) => ({
    register: () => caller.tapes.register({ barcode: "000501L9" }),
    update: () => caller.tapes.update({ id: tapeId, data: { status: "full", tags: [], notes: "changed" } }),
    delete: () => caller.tapes.delete({ id: tapeId }),
    logLocation: () => caller.locations.log({ tapeId, kind: "off_site", site: "Iron Vault" }),
    recordCustody: () => caller.custody.record({ tapeId, fromParty: "Courier", toParty: "Vault", signerName: "Val" }),
  });

  test("a read-only user is refused every write and nothing changes, but can read everything", async () => {
    const tape = await seeded();
    const reader = await signedInUser(app, { role: "staff", backupAccess: "read" });
    const before = await catalogueState(app.db);

    for (const [name, call] of Object.entries(writes(reader.caller, tape.id))) {
      const error = await clientError(call());
      expect(error.data.code, name).toBe("FORBIDDEN");
      expect(error.message, name).toMatch(/read-only access/);
    }
    expect(await catalogueState(app.db)).toEqual(before);

    expect((await reader.caller.tapes.list({})).items.map((item) => item.barcode)).toEqual(["000500L9"]);
    expect(await reader.caller.tapes.get({ id: tape.id })).toMatchObject({
      barcode: "000500L9",
      custodyEvents: [expect.anything()],
    });
    expect(await reader.caller.tapes.byBarcode({ barcode: "000500l9" })).toMatchObject({ id: tape.id });
    expect(await reader.caller.tapes.search({ query: "0005" })).toHaveLength(1);
    expect(await reader.caller.tapes.summary()).toMatchObject({ tapes: 1 });
    expect(await reader.caller.tapes.deletePreview({ id: tape.id })).toMatchObject({ locations: 1, custodyEvents: 1 });
    expect(await reader.caller.locations.latestFor({ tapeId: tape.id })).toMatchObject({ kind: "on_site" });
  });

  test("a signed-out caller must sign in for reads and writes, and nothing changes", async () => {
    const tape = await seeded();
    const anonymous = await callerFor(app.db, app.auth, requestHeaders());
    const before = await catalogueState(app.db);

    const calls = {
      ...writes(anonymous, tape.id),
      list: () => anonymous.tapes.list({}),
      get: () => anonymous.tapes.get({ id: tape.id }),
      byBarcode: () => anonymous.tapes.byBarcode({ barcode: "000500L9" }),
      summary: () => anonymous.tapes.summary(),
      deletePreview: () => anonymous.tapes.deletePreview({ id: tape.id }),
    };
    for (const [name, call] of Object.entries(calls)) {
      expect((await clientError(call())).data.code, name).toBe("UNAUTHORIZED");
    }
    expect(await catalogueState(app.db)).toEqual(before);
  });
});
