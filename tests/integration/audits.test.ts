import { describe, expect, test } from "vitest";
import { formatMoment, UTC } from "../../lib/dates";
import type { EventResult } from "../../lib/sync/events";
import { createTape } from "../factories/backup";
import { auditScanEvent, locationEvent } from "../factories/sync-events";
import { clientError, useTestApp } from "../helpers/app";
import { useAuditWorld } from "../helpers/audits";
import { changedTables, fingerprint } from "../helpers/db-snapshot";

/**
 * Inventory audits: what an audit expects, what each scan (pushed as a phone pushes it, by two scanners at
 * once, offline after the audit closed) comes to, closing, cancelling, corrections, missing incidents,
 * registering an unknown label, and the reads the screens and the phone's cache use.
 */
const app = useTestApp();
const world = useAuditWorld(app);

const reasonOf = (result: EventResult | undefined) =>
  result?.status === "rejected" ? result.reason : `not rejected: ${result?.status}`;

const barcodesOf = (tapes: { barcode: string }[]) => tapes.map((tape) => tape.barcode).sort();

/** The current location of a cartridge. */
const whereNow = (tapeId: string) => app.db.backupTapeLocation.findFirstOrThrow({ where: { tapeId, isCurrent: true } });

describe("starting an audit", () => {
  test("expects every cartridge not destroyed whose current location is at the site, frozen when it starts", async () => {
    const site = await world.newSite("Audit room A");
    const [kept, destroyed, movedAway] = await world.tapesAt(3, site);
    await world.tapesAt(1, world.annex);
    await app.db.backupTapeCartridge.update({ where: { id: destroyed!.id }, data: { status: "destroyed" } });
    // Here once, elsewhere now: only the current location counts.
    await world.admin.caller.locations.log({ tapeId: movedAway!.id, kind: "on_site", siteId: world.annex.id });

    const audit = await world.staff.caller.audits.start({ siteId: site.id, notes: "Yearly count" });
    const [late] = await world.tapesAt(1, site);

    const read = await world.reader.caller.audits.get({ id: audit.id });
    expect(read).toMatchObject({
      state: "open",
      scope: "the whole site",
      startedByName: "Sam Staff",
      notes: "Yearly count",
      site: { id: site.id, name: "Audit room A" },
      counts: { expected: 1, present: 0, misplaced: 0, unknown: 0, missing: 1 },
    });
    expect(read.expected.map((line) => [line.barcode, line.outcome])).toEqual([[kept!.barcode, "not_scanned"]]);
    expect(read.expected.map((line) => line.barcode)).not.toContain(late!.barcode);
    expect(read.history).toHaveLength(1);
    expect(read.history[0]).toMatchObject({
      action: "create",
      actor: { name: "Sam Staff" },
      changes: { number: { to: audit.number }, expected: { from: null, to: [kept!.barcode] } },
    });
  });

  test("of one shelf or one locker, matched trimmed and in any case", async () => {
    const site = await world.newSite("Audit room B");
    const onShelf = await world.tapesAt(2, site, { shelf: "b-2 " });
    await world.tapesAt(1, site, { shelf: "B-3" });
    const inLocker = await world.tapesAt(1, site, { locker: "Locker 4" });

    const shelf = await world.staff.caller.audits.start({ siteId: site.id, shelf: " B-2" });
    const locker = await world.staff.caller.audits.start({ siteId: site.id, locker: "LOCKER 4" });
    const whole = await world.staff.caller.audits.start({ siteId: site.id });

    const expected = async (id: string) =>
      (await world.staff.caller.audits.get({ id })).expected.map((line) => line.barcode).sort();
    expect(await expected(shelf.id)).toEqual(barcodesOf(onShelf));
    expect(await expected(locker.id)).toEqual(barcodesOf(inLocker));
    expect(await expected(whole.id)).toHaveLength(4);
    expect((await world.staff.caller.audits.get({ id: shelf.id })).scope).toBe("shelf B-2");
    expect((await world.staff.caller.audits.list({ siteId: site.id, state: "open" })).items).toHaveLength(3);
  });

  test("numbers audits I-<year>-<n> in the order started, two at once included", async () => {
    const year = new Date().getUTCFullYear();
    const [first, second] = await Promise.all([
      world.staff.caller.audits.start({ siteId: world.store.id }),
      world.admin.caller.audits.start({ siteId: world.vault.id }),
    ]);
    const numbers = [first.number, second.number].sort();
    expect(numbers[0]).toMatch(new RegExp(`^I-${year}-\\d{4}$`));
    const sequence = (number: string) => Number(number.slice(-4));
    expect(sequence(numbers[1]!) - sequence(numbers[0]!)).toBe(1);
  });

  test("is refused for a retired site, for a shelf and a locker at once, and changes nothing", async () => {
    const site = await world.newSite("Closed room");
    await world.admin.caller.sites.setActive({ id: site.id, active: false });
    const before = await fingerprint(app.db);

    expect(await clientError(world.staff.caller.audits.start({ siteId: site.id }))).toMatchObject({
      message: "Closed room is retired: choose another site",
      data: { code: "BAD_REQUEST", field: "siteId" },
    });
    expect(
      await clientError(world.staff.caller.audits.start({ siteId: world.store.id, shelf: "A", locker: "B" })),
    ).toMatchObject({
      data: { code: "BAD_REQUEST", fieldErrors: { locker: ["Audit one shelf or one locker, not both"] } },
    });
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
  });

  test("needs audits.run: a courier cannot start one", async () => {
    expect(await clientError(world.courier.caller.audits.start({ siteId: world.store.id }))).toMatchObject({
      message:
        "As a courier you cannot start, close or cancel inventory audits, apply their corrections or resolve their incidents",
      data: { code: "FORBIDDEN" },
    });
  });
});

describe("scanning", () => {
  test("fixes each label's outcome when applied: present, misplaced with where the catalogue has it, unknown", async () => {
    const site = await world.newSite("Scan room");
    const [here, alsoHere] = await world.tapesAt(2, site, { shelf: "A1" });
    const [elsewhere] = await world.tapesAt(1, world.annex, { shelf: "C-3" });
    const nowhere = await createTape(app.db);
    const audit = await world.staff.caller.audits.start({ siteId: site.id, shelf: "A1" });

    const results = await world.scan(world.courier, audit.id, [
      here!.barcode,
      elsewhere!.barcode,
      nowhere.barcode,
      "ZZZ999L8",
    ]);
    expect(results.map((result) => result.status)).toEqual(["applied", "applied", "applied", "applied"]);

    const read = await world.staff.caller.audits.get({ id: audit.id });
    expect(read.counts).toEqual({ expected: 2, present: 1, misplaced: 2, unknown: 1, missing: 1 });
    const scans = Object.fromEntries(read.scans.map((scan) => [scan.barcode, scan]));
    expect(scans[here!.barcode]).toMatchObject({ outcome: "present", tapeId: here!.id, scannedByName: "Carl Courier" });
    expect(scans[elsewhere!.barcode]).toMatchObject({ outcome: "misplaced", catalogueLocation: "Annex · shelf C-3" });
    expect(scans[nowhere.barcode]).toMatchObject({ outcome: "misplaced", catalogueLocation: "no location recorded" });
    expect(scans["ZZZ999L8"]).toMatchObject({ outcome: "unknown", tapeId: null, registered: false });
    expect(Object.fromEntries(read.expected.map((line) => [line.barcode, line.outcome]))).toEqual({
      [here!.barcode]: "present",
      [alsoHere!.barcode]: "not_scanned",
    });

    // The outcome was fixed when applied: moving the misplaced cartridge later does not change it.
    await world.admin.caller.locations.log({ tapeId: elsewhere!.id, kind: "off_site", siteId: world.vault.id });
    const again = await world.staff.caller.audits.get({ id: audit.id });
    expect(again.scans.find((scan) => scan.barcode === elsewhere!.barcode)?.catalogueLocation).toBe(
      "Annex · shelf C-3",
    );
  });

  test("one pushed batch: scans for an open and a closed audit, a label twice, and a move of a scanned cartridge", async () => {
    const site = await world.newSite("Batch room");
    const [here] = await world.tapesAt(1, site, { shelf: "B1" });
    const [elsewhere] = await world.tapesAt(1, world.annex, { shelf: "C-4" });
    const open = await world.staff.caller.audits.start({ siteId: site.id });
    const closed = await world.staff.caller.audits.start({ siteId: world.annex.id });
    await world.staff.caller.audits.close({ id: closed.id });

    const events = [
      auditScanEvent(open.id, here!.barcode),
      auditScanEvent(open.id, elsewhere!.barcode),
      // Moved later in the same batch: the scan keeps where the catalogue had it when scanned.
      locationEvent(elsewhere!.barcode, { kind: "in_transit" }),
      auditScanEvent(closed.id, elsewhere!.barcode),
      auditScanEvent(open.id, here!.barcode),
    ];
    const results = await world.courier.caller.sync.push({ deviceId: "phone-batch", events });
    expect(results.map((result) => result.status)).toEqual(["applied", "applied", "applied", "rejected", "applied"]);
    expect(results[3]).toMatchObject({ reason: expect.stringContaining(`Audit ${closed.number} was closed by`) });

    const scans = await app.db.backupInventoryScan.findMany({
      where: { auditId: open.id },
      orderBy: { barcode: "asc" },
    });
    expect(
      scans.map(({ barcode, outcome, catalogueLocation, eventId }) => ({
        barcode,
        outcome,
        catalogueLocation,
        eventId,
      })),
    ).toEqual(
      [
        { barcode: here!.barcode, outcome: "present", catalogueLocation: null, eventId: events[0]!.id },
        {
          barcode: elsewhere!.barcode,
          outcome: "misplaced",
          catalogueLocation: "Annex · shelf C-4",
          eventId: events[1]!.id,
        },
      ].sort((x, y) => x.barcode.localeCompare(y.barcode)),
    );
    expect(await app.db.backupInventoryScan.count({ where: { auditId: closed.id } })).toBe(0);
    const moved = await app.db.backupTapeLocation.findFirst({ where: { tapeId: elsewhere!.id, isCurrent: true } });
    expect(moved?.kind).toBe("in_transit");
  });

  test("one label scanned for two audits in one batch: present where it is expected, misplaced where not", async () => {
    const [here, there] = [await world.newSite("Expecting room"), await world.newSite("Other room")];
    const [tape] = await world.tapesAt(1, here, { shelf: "E-1" });
    const expecting = await world.staff.caller.audits.start({ siteId: here.id });
    const other = await world.staff.caller.audits.start({ siteId: there.id });

    const events = [auditScanEvent(other.id, tape!.barcode), auditScanEvent(expecting.id, tape!.barcode)];
    const results = await world.courier.caller.sync.push({ deviceId: "phone-two-audits", events });
    expect(results.map((result) => result.status)).toEqual(["applied", "applied"]);
    const outcomes = await app.db.backupInventoryScan.findMany({
      where: { barcode: tape!.barcode },
      select: { auditId: true, outcome: true, catalogueLocation: true },
    });
    expect(new Map(outcomes.map((scan) => [scan.auditId, scan]))).toEqual(
      new Map([
        [expecting.id, { auditId: expecting.id, outcome: "present", catalogueLocation: null }],
        [other.id, { auditId: other.id, outcome: "misplaced", catalogueLocation: "Expecting room · shelf E-1" }],
      ]),
    );
  });

  test("two scanners at once: the first scan of a label counts, a second from another phone is harmless", async () => {
    const site = await world.newSite("Two scanners room");
    const tapes = await world.tapesAt(4, site);
    const [a, b, c, d] = tapes.map((tape) => tape.barcode);
    const audit = await world.staff.caller.audits.start({ siteId: site.id });

    const [first, second] = await Promise.all([
      world.scan(world.courier, audit.id, [a!, b!, c!], "phone-carl"),
      world.scan(world.custodian, audit.id, [c!, b!, d!, d!], "phone-vera"),
    ]);
    expect([...first, ...second].every((result) => result.status === "applied")).toBe(true);

    const rows = await app.db.backupInventoryScan.findMany({ where: { auditId: audit.id } });
    expect(rows.map((row) => row.barcode).sort()).toEqual([a, b, c, d].sort());
    expect(rows.find((row) => row.barcode === a)).toMatchObject({
      scannedByName: "Carl Courier",
      deviceId: "phone-carl",
    });
    expect(rows.find((row) => row.barcode === d)).toMatchObject({
      scannedByName: "Vera Vault",
      deviceId: "phone-vera",
    });
    const counts = (await world.staff.caller.audits.get({ id: audit.id })).counts;
    expect(counts).toEqual({ expected: 4, present: 4, misplaced: 0, unknown: 0, missing: 0 });

    // The same event pushed again is a duplicate; a later scan of the label by someone else changes nothing.
    const replay = auditScanEvent(audit.id, a!);
    await world.scan(world.otherCourier, audit.id, [a!]);
    expect(await world.otherCourier.caller.sync.push({ deviceId: "phone-dina", events: [replay] })).toEqual([
      { id: replay.id, status: "applied" },
    ]);
    expect(await world.otherCourier.caller.sync.push({ deviceId: "phone-dina", events: [replay] })).toEqual([
      { id: replay.id, status: "duplicate" },
    ]);
    expect(await app.db.backupInventoryScan.count({ where: { auditId: audit.id } })).toBe(4);
  });

  test("two phones scanning for two audits in opposite orders both apply", async () => {
    const [first, second] = await Promise.all([
      world.staff.caller.audits.start({ siteId: world.store.id }),
      world.staff.caller.audits.start({ siteId: world.annex.id }),
    ]);
    const rounds = [];
    for (let round = 0; round < 5; round++)
      rounds.push(
        world.courier.caller.sync.push({
          deviceId: "phone-carl",
          events: [auditScanEvent(first.id, `AAA${round}01L8`), auditScanEvent(second.id, `AAB${round}01L8`)],
        }),
        world.custodian.caller.sync.push({
          deviceId: "phone-vera",
          events: [auditScanEvent(second.id, `AAC${round}01L8`), auditScanEvent(first.id, `AAD${round}01L8`)],
        }),
      );
    const results = (await Promise.all(rounds)).flat();
    expect(results.filter((result) => result.status !== "applied")).toEqual([]);
    expect(await app.db.backupInventoryScan.count({ where: { auditId: { in: [first.id, second.id] } } })).toBe(20);
  });

  test("a scan recorded offline and pushed after the audit closed is rejected, naming who closed it and when", async () => {
    const site = await world.newSite("Offline room");
    const [tape] = await world.tapesAt(1, site);
    const audit = await world.staff.caller.audits.start({ siteId: site.id });
    const offline = auditScanEvent(audit.id, tape!.barcode, { occurredAt: new Date(Date.now() - 60_000) });
    const closed = await world.staff.caller.audits.close({ id: audit.id });

    const [result] = await world.courier.caller.sync.push({ deviceId: "phone-1", events: [offline] });
    expect(reasonOf(result)).toBe(
      `Audit ${audit.number} was closed by Sam Staff at ${formatMoment(closed.closedAt, UTC)} UTC; this scan was not counted`,
    );
    expect(await app.db.backupInventoryScan.count({ where: { auditId: audit.id } })).toBe(0);
    expect(await app.db.syncEvent.findUniqueOrThrow({ where: { id: offline.id } })).toMatchObject({
      status: "rejected",
    });
  });

  test("a scan for a cancelled audit is rejected with who cancelled it; one for an unknown audit too", async () => {
    const [tape] = await world.tapesAt(1);
    const audit = await world.staff.caller.audits.start({ siteId: world.store.id });
    const cancelled = await world.admin.caller.audits.cancel({ id: audit.id, reason: "Started by mistake" });

    const [late, unknown] = await world
      .scan(world.courier, audit.id, [tape!.barcode])
      .then(async (first) => [
        first[0],
        (await world.scan(world.courier, "0192d9b2-0000-7000-8000-000000000000", [tape!.barcode]))[0],
      ]);
    expect(reasonOf(late)).toBe(
      `Audit ${audit.number} was cancelled by Ada Admin at ${formatMoment(cancelled.cancelledAt, UTC)} UTC; this scan was not counted`,
    );
    expect(reasonOf(unknown)).toBe("The audit was not found");
  });

  test("needs audits.scan: a reader cannot push a scan", async () => {
    const audit = await world.staff.caller.audits.start({ siteId: world.store.id });
    expect(await clientError(world.scan(world.reader, audit.id, ["ABC123L8"]))).toMatchObject({
      data: { code: "FORBIDDEN" },
    });
  });
});

describe("closing, cancelling", () => {
  test("closing freezes the result and audits the counts and every label by outcome", async () => {
    const site = await world.newSite("Close room");
    const [found, lost] = await world.tapesAt(2, site);
    const audit = await world.staff.caller.audits.start({ siteId: site.id });
    await world.scanApplied(world.courier, audit.id, [found!.barcode, "UNK001L8"]);

    await world.staff.caller.audits.close({ id: audit.id });

    const read = await world.staff.caller.audits.get({ id: audit.id });
    expect(read).toMatchObject({ state: "closed", closedByName: "Sam Staff" });
    expect(Object.fromEntries(read.expected.map((line) => [line.barcode, line.outcome]))).toEqual({
      [found!.barcode]: "present",
      [lost!.barcode]: "missing",
    });
    expect(read.history.at(-1)).toMatchObject({
      action: "close",
      changes: {
        state: { from: "open", to: "closed" },
        counts: { to: { expected: 2, present: 1, misplaced: 0, unknown: 1, missing: 1 } },
        present: { to: [found!.barcode] },
        unknown: { to: ["UNK001L8"] },
        missing: { to: [lost!.barcode] },
      },
    });
  });

  test("a closed or cancelled audit takes no further step, and the refusal changes nothing", async () => {
    const closed = await world.staff.caller.audits.start({ siteId: world.store.id });
    await world.staff.caller.audits.close({ id: closed.id });
    const cancelled = await world.staff.caller.audits.start({ siteId: world.store.id });
    await world.staff.caller.audits.cancel({ id: cancelled.id, reason: "Wrong site" });
    const before = await fingerprint(app.db);

    expect(await clientError(world.staff.caller.audits.close({ id: closed.id }))).toMatchObject({
      message: `Audit ${closed.number} is closed and cannot be closed`,
      data: { code: "CONFLICT" },
    });
    expect(await clientError(world.staff.caller.audits.cancel({ id: closed.id, reason: "Too late" }))).toMatchObject({
      message: `Audit ${closed.number} is closed and cannot be cancelled`,
    });
    expect(await clientError(world.staff.caller.audits.close({ id: cancelled.id }))).toMatchObject({
      message: `Audit ${cancelled.number} is cancelled and cannot be closed`,
    });
    expect(await clientError(world.staff.caller.audits.applyCorrections({ id: cancelled.id }))).toMatchObject({
      message: `Audit ${cancelled.number} is cancelled: corrections are applied once it is closed`,
    });
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);

    expect((await world.staff.caller.audits.get({ id: cancelled.id })).history.at(-1)).toMatchObject({
      action: "cancel",
      changes: { state: { from: "open", to: "cancelled" }, reason: { to: "Wrong site" } },
    });
  });
});

describe("corrections", () => {
  test("log each misplaced cartridge at the audited place and mark each unscanned one missing, once", async () => {
    const site = await world.newSite("Correction room");
    const [present, missing] = await world.tapesAt(2, site, { shelf: "S1" });
    const [misplaced, movedSince] = await world.tapesAt(2, world.annex);
    const audit = await world.staff.caller.audits.start({ siteId: site.id, shelf: "S1" });
    await world.scanApplied(world.courier, audit.id, [present!.barcode, misplaced!.barcode, movedSince!.barcode]);
    // Logged at the vault after it was scanned: that later move stays current.
    await world.admin.caller.locations.log({ tapeId: movedSince!.id, kind: "off_site", siteId: world.vault.id });

    expect(await clientError(world.staff.caller.audits.applyCorrections({ id: audit.id }))).toMatchObject({
      message: `Audit ${audit.number} is open: corrections are applied once it is closed`,
      data: { code: "CONFLICT" },
    });
    await world.staff.caller.audits.close({ id: audit.id });
    await world.admin.caller.audits.applyCorrections({ id: audit.id });

    expect(await whereNow(misplaced!.id)).toMatchObject({ siteId: site.id, shelf: "S1", kind: "on_site" });
    expect(await whereNow(movedSince!.id)).toMatchObject({ siteId: world.vault.id });
    expect(await whereNow(missing!.id)).toMatchObject({ siteId: site.id });
    const read = await world.staff.caller.audits.get({ id: audit.id });
    expect(read).toMatchObject({ correctedByName: "Ada Admin" });
    expect(read.expected.find((line) => line.barcode === missing!.barcode)).toMatchObject({ incident: true });
    expect(read.expected.find((line) => line.barcode === present!.barcode)).toMatchObject({
      incident: false,
      missingAt: null,
    });
    expect(read.history.at(-1)).toMatchObject({
      action: "apply_corrections",
      actor: { name: "Ada Admin" },
      changes: {
        relocated: { to: [misplaced!.barcode, movedSince!.barcode].sort() },
        missing: { to: [missing!.barcode] },
      },
    });

    const before = await fingerprint(app.db);
    expect(await clientError(world.admin.caller.audits.applyCorrections({ id: audit.id }))).toMatchObject({
      message: `The corrections of audit ${audit.number} were already applied`,
    });
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
  });

  test("a missing cartridge stays an incident until resolved, once", async () => {
    const site = await world.newSite("Incident room");
    const [missing, present] = await world.tapesAt(2, site);
    const audit = await world.staff.caller.audits.start({ siteId: site.id });
    await world.scanApplied(world.courier, audit.id, [present!.barcode]);
    await world.staff.caller.audits.close({ id: audit.id });
    const input = { auditId: audit.id, tapeId: missing!.id, resolution: "Found in the tape library" };

    expect(await clientError(world.staff.caller.audits.resolveMissing(input))).toMatchObject({
      message: `${missing!.barcode} is not an open missing-cartridge incident`,
    });
    await world.staff.caller.audits.applyCorrections({ id: audit.id });
    expect(
      await clientError(world.staff.caller.audits.resolveMissing({ ...input, tapeId: present!.id })),
    ).toMatchObject({ message: `${present!.barcode} is not an open missing-cartridge incident` });
    await world.staff.caller.audits.resolveMissing(input);

    const read = await world.staff.caller.audits.get({ id: audit.id });
    expect(read.expected.find((line) => line.tapeId === missing!.id)).toMatchObject({
      incident: false,
      resolvedByName: "Sam Staff",
      resolution: "Found in the tape library",
    });
    expect(read.history.at(-1)).toMatchObject({
      action: "resolve",
      changes: { cartridge: { to: missing!.barcode }, resolution: { to: "Found in the tape library" } },
    });
    expect(await clientError(world.staff.caller.audits.resolveMissing(input))).toMatchObject({
      data: { code: "CONFLICT" },
    });
  });
});

describe("registering an unknown label", () => {
  test("registers the cartridge at the audited place and links the scan, which stays unknown", async () => {
    const site = await world.newSite("Register room");
    const audit = await world.staff.caller.audits.start({ siteId: site.id, locker: "L9" });
    await world.scanApplied(world.courier, audit.id, ["NEW001L9"]);

    const tape = await world.staff.caller.audits.registerUnknown({ auditId: audit.id, barcode: "NEW001L9" });

    expect(tape).toMatchObject({ barcode: "NEW001L9", generation: 9 });
    expect(await whereNow(tape.id)).toMatchObject({ siteId: site.id, locker: "L9", site: "Register room" });
    const read = await world.staff.caller.audits.get({ id: audit.id });
    expect(read.scans[0]).toMatchObject({ barcode: "NEW001L9", outcome: "unknown", tapeId: tape.id, registered: true });
    expect(read.counts.unknown).toBe(1);
    expect(read.history.at(-1)).toMatchObject({ action: "update", changes: { registered: { to: "NEW001L9" } } });
  });

  test("is refused for a label not scanned as unknown, a label registered meanwhile, or a closed audit", async () => {
    const [known] = await world.tapesAt(1);
    const audit = await world.staff.caller.audits.start({ siteId: world.store.id });
    await world.scanApplied(world.courier, audit.id, ["TKN001L8", known!.barcode]);
    await createTape(app.db, { barcode: "TKN001L8" });
    const before = await fingerprint(app.db);

    expect(
      await clientError(world.staff.caller.audits.registerUnknown({ auditId: audit.id, barcode: "OTH001L8" })),
    ).toMatchObject({ message: `OTH001L8 was not scanned as an unknown label in audit ${audit.number}` });
    expect(
      await clientError(world.staff.caller.audits.registerUnknown({ auditId: audit.id, barcode: known!.barcode })),
    ).toMatchObject({ data: { code: "CONFLICT" } });
    expect(
      await clientError(world.staff.caller.audits.registerUnknown({ auditId: audit.id, barcode: "TKN001L8" })),
    ).toMatchObject({ message: "A cartridge with barcode TKN001L8 is already registered", data: { code: "CONFLICT" } });
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);

    await world.staff.caller.audits.close({ id: audit.id });
    expect(
      await clientError(world.staff.caller.audits.registerUnknown({ auditId: audit.id, barcode: "TKN001L8" })),
    ).toMatchObject({ message: `Audit ${audit.number} is closed and cannot be used to register a cartridge` });
  });
});

describe("reads", () => {
  test("list: newest first, by site and state, page by page", async () => {
    const site = await world.newSite("List room");
    const started = [];
    for (let index = 0; index < 3; index++) started.push(await world.staff.caller.audits.start({ siteId: site.id }));
    await world.staff.caller.audits.close({ id: started[0]!.id });

    const first = await world.reader.caller.audits.list({ siteId: site.id, limit: 2 });
    const second = await world.reader.caller.audits.list({ siteId: site.id, limit: 2, cursor: first.nextCursor! });
    expect([...first.items, ...second.items].map((item) => item.number)).toEqual(
      started.map((audit) => audit.number).reverse(),
    );
    expect(second.nextCursor).toBeNull();
    const closed = await world.reader.caller.audits.list({ siteId: site.id, state: "closed" });
    expect(closed.items).toHaveLength(1);
    expect(closed.items[0]).toMatchObject({
      number: started[0]!.number,
      site: { name: "List room" },
      scope: "the whole site",
    });
  });

  test("the catalogue pull carries every open audit with its expected and scanned labels", async () => {
    const site = await world.newSite("Field room");
    const tapes = await world.tapesAt(2, site);
    const audit = await world.staff.caller.audits.start({ siteId: site.id });
    await world.scanApplied(world.custodian, audit.id, [tapes[0]!.barcode, "UNK777L8"]);
    const closed = await world.staff.caller.audits.start({ siteId: site.id });
    await world.staff.caller.audits.close({ id: closed.id });

    const page = await world.courier.caller.sync.catalogue({ limit: 1 });
    expect(page.audits.find((field) => field.id === closed.id)).toBeUndefined();
    expect(page.audits.find((field) => field.id === audit.id)).toEqual({
      id: audit.id,
      number: audit.number,
      state: "open",
      siteId: site.id,
      siteName: "Field room",
      shelf: null,
      locker: null,
      expected: barcodesOf(tapes),
      scanned: [tapes[0]!.barcode, "UNK777L8"].sort(),
    });
  });

  test("sites: the last complete audit of a site, and whether one is due", async () => {
    const site = await world.newSite("Due room");
    await world.tapesAt(1, site, { shelf: "D1" });
    const due = async () => (await world.reader.caller.audits.sites()).find((row) => row.siteId === site.id);
    expect(await due()).toMatchObject({ lastCompleteAuditAt: null, inventoryDue: true });

    const shelf = await world.staff.caller.audits.start({ siteId: site.id, shelf: "D1" });
    await world.staff.caller.audits.close({ id: shelf.id });
    expect(await due()).toMatchObject({ lastCompleteAuditAt: null, inventoryDue: true });

    const whole = await world.staff.caller.audits.start({ siteId: site.id });
    const closed = await world.staff.caller.audits.close({ id: whole.id });
    expect(await due()).toMatchObject({ lastCompleteAuditAt: closed.closedAt, inventoryDue: false });
  });
});
