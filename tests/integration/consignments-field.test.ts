import { describe, expect, test } from "vitest";
import type { EventResult } from "../../lib/sync/events";
import { signatureImage, withScanlines } from "../factories/signature";
import { dispatchEvent, receiptEvent } from "../factories/sync-events";
import { callerFor, clientError, useTestApp } from "../helpers/app";
import { useConsignmentWorld } from "../helpers/consignments";
import { testDatabaseUrl } from "../helpers/database";
import { changedTables, fingerprint } from "../helpers/db-snapshot";

/**
 * A consignment once it leaves: dispatch and receipt as a phone records and pushes them (offline, out of
 * order, twice, from two devices at once), what each cartridge came to, the incidents and their ends.
 */
const app = useTestApp();
const world = useConsignmentWorld(app);

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/** The current location of each cartridge, by label. */
async function whereNow(tapeIds: string[]) {
  const rows = await app.db.backupTapeLocation.findMany({
    where: { tapeId: { in: tapeIds }, isCurrent: true },
    include: { tape: { select: { barcode: true } } },
  });
  return Object.fromEntries(rows.map((row) => [row.tape.barcode, row]));
}

const reasonOf = (result: EventResult | undefined) =>
  result?.status === "rejected" ? result.reason : `not rejected: ${result?.status}`;

describe("dispatch", () => {
  test("logs each scanned cartridge in transit and hands the case to the courier on one signature; the unscanned are missing, the unexpected added", async () => {
    const planned = await world.approved(3);
    const [stray] = await world.tapesAt(1);
    const [first, second, left] = planned.tapes;
    const event = dispatchEvent(planned.consignment.id, [first!.barcode, second!.barcode, stray!.barcode], {
      sealNumbers: ["S-2001", "S-2002"],
    });

    expect(await world.push(world.courier, [event])).toEqual([{ id: event.id, status: "applied" }]);

    const consignment = await world.staff.caller.consignments.get({ id: planned.consignment.id });
    expect(consignment).toMatchObject({
      state: "in_transit",
      courierName: "Carl Courier",
      dispatchedByName: "Carl Courier",
      sealNumbers: ["S-2001", "S-2002"],
      dispatchEventId: event.id,
      dispatchSignature: event.type === "consignment.dispatched" ? event.payload.signature : null,
    });
    const outcomes = Object.fromEntries(
      consignment.lines.map((line) => [line.tape.barcode, [line.outcome, line.unexpected]]),
    );
    expect(outcomes).toEqual({
      [first!.barcode]: ["in_transit", false],
      [second!.barcode]: ["in_transit", false],
      [left!.barcode]: ["missing", false],
      [stray!.barcode]: ["in_transit", true],
    });

    const now = await whereNow([...planned.tapes, stray!].map((tape) => tape.id));
    for (const moved of [first!, second!, stray!])
      expect(now[moved.barcode]).toMatchObject({ kind: "in_transit", siteId: null, custodian: "Carl Courier" });
    expect(now[left!.barcode]).toMatchObject({ kind: "on_site", siteId: world.store.id });

    const handoffs = await app.db.backupTapeCustody.findMany({
      where: { tapeId: { in: [first!.id, second!.id, stray!.id, left!.id] } },
    });
    expect(handoffs).toHaveLength(3);
    for (const handoff of handoffs)
      expect(handoff).toMatchObject({
        fromParty: "Server room",
        toParty: "Carl Courier",
        signerName: "Carl Courier",
        signature: consignment.dispatchSignature,
        containerId: "Case 7",
        sealNumber: "S-2001, S-2002",
      });

    expect(consignment.history.at(-1)).toMatchObject({
      action: "dispatch",
      changes: {
        state: { from: "approved", to: "in_transit" },
        missing: { from: null, to: [left!.barcode] },
        unexpected: { from: null, to: [stray!.barcode] },
      },
    });
    const moves = await app.db.backupAuditLog.count({
      where: {
        entityType: { in: ["location", "custody"] },
        actorName: "Carl Courier",
        createdAt: { gte: hoursAgo(1) },
      },
    });
    expect(moves).toBeGreaterThanOrEqual(6);
  });

  test("a label no cartridge has rejects the whole dispatch, naming it; nothing but the rejection is kept", async () => {
    const planned = await world.approved(1);
    const before = await fingerprint(app.db);
    const event = dispatchEvent(planned.consignment.id, [...planned.barcodes, "ZZZ999L8"]);
    const [result] = await world.push(world.courier, [event]);
    expect(reasonOf(result)).toBe("No cartridge is registered with the label ZZZ999L8: leave it out of the case");
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["sync_event"]);
  });

  test("a signature that is not a whole PNG image rejects the dispatch or receipt, as it would any hand-off", async () => {
    const planned = await world.approved(1);
    // The schema's pattern holds; the image does not.
    const damaged = { signature: "data:image/png;base64,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" };
    const before = await fingerprint(app.db);
    const [refused] = await world.push(world.courier, [
      dispatchEvent(planned.consignment.id, planned.barcodes, damaged),
    ]);
    expect(reasonOf(refused)).toBe("The signature is not a PNG image");
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["sync_event"]);

    await world.pushApplied(world.courier, [dispatchEvent(planned.consignment.id, planned.barcodes)]);
    const [unsigned] = await world.push(world.custodian, [
      receiptEvent(planned.consignment.id, planned.barcodes, damaged),
    ]);
    expect(reasonOf(unsigned)).toBe("The signature is not a PNG image");
    expect(await app.db.backupConsignment.findUniqueOrThrow({ where: { id: planned.consignment.id } })).toMatchObject({
      state: "in_transit",
      receivedAt: null,
    });
  });

  test("a signature whose pixels stop short of its header rejects the dispatch, though every chunk is whole", async () => {
    const planned = await world.approved(1);
    const png = Buffer.from(signatureImage({ width: 40, height: 20 }).split(",")[1]!, "base64");
    const cutShort = withScanlines(png, Buffer.alloc(10));
    const before = await fingerprint(app.db);
    const [refused] = await world.push(world.courier, [
      dispatchEvent(planned.consignment.id, planned.barcodes, {
        signature: cutShort,
      }),
    ]);
    expect(reasonOf(refused)).toBe("The signature image is damaged or incomplete");
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["sync_event"]);
  });

  test("a cartridge of another open consignment scanned into the case rejects the dispatch", async () => {
    const planned = await world.approved(1);
    const other = await world.draft(1);
    const [result] = await world.push(world.courier, [
      dispatchEvent(planned.consignment.id, [...planned.barcodes, ...other.barcodes]),
    ]);
    expect(reasonOf(result)).toBe(`${other.barcodes[0]} is already in consignment ${other.consignment.number}`);
    expect((await app.db.backupConsignment.findUniqueOrThrow({ where: { id: planned.consignment.id } })).state).toBe(
      "approved",
    );
  });
});

describe("receipt", () => {
  test("seal intact and matching, every cartridge scanned: received, each logged at the destination and handed to the receiver", async () => {
    const planned = await world.inTransit(2);
    // Seal numbers are compared as a set, whatever their case.
    const event = receiptEvent(planned.consignment.id, planned.barcodes, { sealNumbers: ["s-1001"] });
    expect(await world.push(world.custodian, [event])).toEqual([{ id: event.id, status: "applied" }]);

    const consignment = await world.staff.caller.consignments.get({ id: planned.consignment.id });
    expect(consignment).toMatchObject({
      state: "received",
      receivedByName: "Vera Vault",
      receiverName: "Vera Vault",
      sealIntact: true,
      sealDiscrepancy: null,
      sealIncident: false,
    });
    expect(consignment.lines.map((line) => line.outcome)).toEqual(["received", "received"]);
    const now = await whereNow(planned.tapes.map((tape) => tape.id));
    for (const barcode of planned.barcodes)
      expect(now[barcode]).toMatchObject({ kind: "off_site", siteId: world.vault.id, site: "Iron Vault" });
    const handoffs = await app.db.backupTapeCustody.findMany({
      where: { tapeId: { in: planned.tapes.map((tape) => tape.id) }, toParty: "Vera Vault" },
    });
    expect(handoffs.map((handoff) => [handoff.fromParty, handoff.signerName])).toEqual([
      ["Carl Courier", "Vera Vault"],
      ["Carl Courier", "Vera Vault"],
    ]);
    expect(consignment.history.at(-1)).toMatchObject({
      action: "receive",
      changes: { state: { from: "in_transit", to: "received" } },
    });
  });

  test("a broken seal without a description is refused by the schema, and nothing but the rejection is kept", async () => {
    const planned = await world.inTransit(1);
    const before = await fingerprint(app.db);
    const [result] = await world.push(world.custodian, [
      receiptEvent(planned.consignment.id, planned.barcodes, { sealIntact: false }),
    ]);
    expect(reasonOf(result)).toBe("sealDiscrepancy: Describe what is wrong with the seal");
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["sync_event"]);
  });

  test("seal numbers that differ from the dispatch's: received with discrepancies, the difference described", async () => {
    const planned = await world.inTransit(1);
    await world.pushApplied(world.custodian, [
      receiptEvent(planned.consignment.id, planned.barcodes, { sealNumbers: ["S-9999"] }),
    ]);
    const consignment = await world.staff.caller.consignments.get({ id: planned.consignment.id });
    expect(consignment).toMatchObject({
      state: "received_with_discrepancies",
      sealIncident: true,
      sealDiscrepancy: "The seal numbers at receipt (S-9999) differ from those at dispatch (S-1001)",
    });
  });

  test("a courier receives only a consignment they dispatched; a custodian receives any", async () => {
    const planned = await world.inTransit(1);
    const [refused] = await world.push(world.otherCourier, [receiptEvent(planned.consignment.id, planned.barcodes)]);
    expect(reasonOf(refused)).toBe("As a courier you can receive only a consignment you dispatched");
    expect(
      (await world.push(world.courier, [receiptEvent(planned.consignment.id, planned.barcodes)]))[0],
    ).toMatchObject({ status: "applied" });
  });
});

describe("incidents", () => {
  test("a missing cartridge stays in transit and on the overview until declared lost, and a lost one until resolved", async () => {
    const planned = await world.withIncidents(2);
    const { missing } = planned;
    const id = planned.consignment.id;
    const incidentsOf = async () =>
      (await world.staff.caller.consignments.overview()).incidents
        .filter((incident) => incident.consignmentId === id)
        .map((incident) => [incident.kind, incident.tape?.barcode ?? null, incident.reason]);

    expect((await whereNow([missing.id]))[missing.barcode]).toMatchObject({ kind: "in_transit" });
    expect(await incidentsOf()).toEqual([
      ["missing", missing.barcode, null],
      ["seal", null, "The seal was cut"],
    ]);
    const listed = await world.staff.caller.consignments.list({
      filter: "incidents",
      search: planned.consignment.number,
    });
    expect(listed.items.map((item) => [item.id, item.missing, item.lost, item.sealIncident])).toEqual([
      [id, 1, 0, true],
    ]);

    await world.staff.caller.consignments.declareLost({ id, tapeId: missing.id, reason: "Not in the case" });
    expect(await incidentsOf()).toEqual([
      ["lost", missing.barcode, "Not in the case"],
      ["seal", null, "The seal was cut"],
    ]);
    const again = await clientError(
      world.staff.caller.consignments.declareLost({ id, tapeId: missing.id, reason: "Twice" }),
    );
    expect(again.message).toBe(`${missing.barcode} is not missing`);

    await world.staff.caller.consignments.resolveIncident({ id, tapeId: missing.id, note: "Insurer paid" });
    await world.staff.caller.consignments.resolveIncident({ id, note: "Vault resealed it" });
    expect(await incidentsOf()).toEqual([]);
    const consignment = await world.staff.caller.consignments.get({ id });
    expect(consignment.history.slice(-3).map((entry) => entry.action)).toEqual(["declare_lost", "resolve", "resolve"]);
    const noSeal = await clientError(world.staff.caller.consignments.resolveIncident({ id, note: "Again" }));
    expect(noSeal.message).toBe(`${planned.consignment.number} has no open seal discrepancy`);
  });

  test("a missing cartridge marked found is logged at the destination and is no longer an incident", async () => {
    const planned = await world.withIncidents(2);
    const { missing } = planned;
    const received = planned.tapes[0]!;
    const id = planned.consignment.id;
    const notMissing = await clientError(world.staff.caller.consignments.markFound({ id, tapeIds: [received.id] }));
    expect(notMissing.message).toBe(`${received.barcode} is not missing`);

    // Scanned twice as it turned up: found once.
    await world.staff.caller.consignments.markFound({ id, tapeIds: [missing.id, missing.id] });
    expect((await whereNow([missing.id]))[missing.barcode]).toMatchObject({
      kind: "off_site",
      siteId: world.vault.id,
      isCurrent: true,
    });
    const consignment = await world.staff.caller.consignments.get({ id });
    expect(consignment.lines.find((line) => line.tapeId === missing.id)).toMatchObject({
      outcome: "received",
      incident: null,
    });
    expect(consignment.history.at(-1)).toMatchObject({
      action: "mark_found",
      changes: { found: { from: null, to: [missing.barcode] } },
    });
    const overview = await world.staff.caller.consignments.overview();
    expect(
      overview.incidents.filter((incident) => incident.consignmentId === id).map((incident) => incident.kind),
    ).toEqual(["seal"]);
  });
});

describe("locks", () => {
  // Two connections at once: PostgreSQL only (PGlite runs one transaction at a time).
  test.skipIf(!testDatabaseUrl())(
    "marking a cartridge found while a pushed receipt holds that cartridge waits for it instead of deadlocking",
    async () => {
      const planned = await world.withIncidents(2);
      const { missing } = planned;
      const id = planned.consignment.id;
      const phone = app.connect(1);
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      // What a receipt pushed from another device does: its cartridges first, then the consignment.
      const push = phone.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT id FROM backup_tape_cartridge WHERE id = ${missing.id} FOR UPDATE`;
          holding();
          await new Promise((resolve) => setTimeout(resolve, 500));
          await tx.$queryRaw`SELECT id FROM backup_consignment WHERE id = ${id} FOR UPDATE`;
        },
        { timeout: 20_000 },
      );
      await held;
      const found = world.staff.caller.consignments.markFound({ id, tapeIds: [missing.id] });
      const [pushed, marked] = await Promise.allSettled([push, found]);
      expect(pushed.status === "rejected" ? String(pushed.reason) : "done").toBe("done");
      expect(marked.status === "rejected" ? String(marked.reason) : "done").toBe("done");
      expect((await whereNow([missing.id]))[missing.barcode]).toMatchObject({ siteId: world.vault.id });
    },
  );

  test.skipIf(!testDatabaseUrl())(
    "a receipt that waited for another device's step on its case reads the lines that step wrote",
    async () => {
      const planned = await world.inTransit(2);
      const id = planned.consignment.id;
      const [stray] = await world.tapesAt(1);
      const other = app.connect(1);
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      // What a late dispatch from another phone does while the receipt waits: the case, then a cartridge
      // scanned out that was not on its list.
      const step = other.$transaction(
        async (tx) => {
          await tx.$queryRaw`SELECT id FROM backup_consignment WHERE id = ${id} FOR UPDATE`;
          await tx.$executeRaw`
            INSERT INTO backup_consignment_tape (consignment_id, tape_id, expected, scanned_out_at)
            VALUES (${id}, ${stray!.id}, false, now())`;
          holding();
          await new Promise((resolve) => setTimeout(resolve, 500));
        },
        { timeout: 20_000 },
      );
      await held;
      const [results] = await Promise.all([
        world.push(world.custodian, [receiptEvent(id, planned.barcodes)], "vault-tablet"),
        step,
      ]);
      expect(results.map((result) => result.status)).toEqual(["applied"]);
      // The stray cartridge left with the case and did not arrive: missing, so the receipt has discrepancies.
      const consignment = await world.staff.caller.consignments.get({ id });
      expect(consignment.state).toBe("received_with_discrepancies");
    },
  );
});

describe("time in transit", () => {
  test("a consignment in transit longer than the setting's hours is overdue", async () => {
    const late = await world.inTransit(1, { occurredAt: hoursAgo(30) });
    const recent = await world.inTransit(1, { occurredAt: hoursAgo(2) });
    const overdueIds = async () =>
      (await world.staff.caller.consignments.overview()).overdue.map((consignment) => consignment.id);

    expect((await world.staff.caller.consignments.get({ id: late.consignment.id })).overdue).toBe(true);
    expect((await world.staff.caller.consignments.get({ id: recent.consignment.id })).overdue).toBe(false);
    expect(await overdueIds()).toContain(late.consignment.id);
    expect(await overdueIds()).not.toContain(recent.consignment.id);

    await world.admin.caller.settings.update({ transitOverdueHours: 48 });
    try {
      expect(await overdueIds()).not.toContain(late.consignment.id);
      await world.admin.caller.settings.update({ transitOverdueHours: 1 });
      expect(await overdueIds()).toEqual(expect.arrayContaining([late.consignment.id, recent.consignment.id]));
    } finally {
      await world.admin.caller.settings.update({ transitOverdueHours: 24 });
    }
  });
});

describe("offline and concurrent pushes", () => {
  test("a receipt that reaches the server before its dispatch: both apply, and the cartridges end at the destination", async () => {
    const planned = await world.approved(2);
    const dispatch = dispatchEvent(planned.consignment.id, planned.barcodes, { occurredAt: hoursAgo(3) });
    const receipt = receiptEvent(planned.consignment.id, planned.barcodes, { occurredAt: hoursAgo(1) });

    expect(await world.push(world.custodian, [receipt], "vault-tablet")).toEqual([
      { id: receipt.id, status: "applied" },
    ]);
    expect(await world.push(world.courier, [dispatch], "courier-phone")).toEqual([
      { id: dispatch.id, status: "applied" },
    ]);

    const consignment = await world.staff.caller.consignments.get({ id: planned.consignment.id });
    expect(consignment).toMatchObject({
      state: "received",
      dispatchedAt: dispatch.occurredAt,
      receivedAt: receipt.occurredAt,
      courierName: "Carl Courier",
      sealDiscrepancy: null,
    });
    expect(consignment.lines.map((line) => line.outcome)).toEqual(["received", "received"]);
    const now = await whereNow(planned.tapes.map((tape) => tape.id));
    for (const barcode of planned.barcodes) expect(now[barcode]).toMatchObject({ siteId: world.vault.id });
    // The move in transit is in each cartridge's history, before its arrival.
    expect(
      await app.db.backupTapeLocation.count({
        where: { tapeId: { in: planned.tapes.map((tape) => tape.id) }, kind: "in_transit", isCurrent: false },
      }),
    ).toBe(2);
  });

  test("a late dispatch whose seal differs from the one received turns the receipt into one with discrepancies", async () => {
    const planned = await world.approved(1);
    await world.pushApplied(world.custodian, [
      receiptEvent(planned.consignment.id, planned.barcodes, { sealNumbers: ["S-7"], occurredAt: hoursAgo(1) }),
    ]);
    await world.pushApplied(world.courier, [
      dispatchEvent(planned.consignment.id, planned.barcodes, { sealNumbers: ["S-8"], occurredAt: hoursAgo(2) }),
    ]);
    const consignment = await world.staff.caller.consignments.get({ id: planned.consignment.id });
    const sealDiscrepancy = "The seal numbers at receipt (S-7) differ from those at dispatch (S-8)";
    expect(consignment).toMatchObject({ state: "received_with_discrepancies", sealDiscrepancy, sealIncident: true });
    // The change of state is the dispatch's doing, and its audit entry says so.
    expect(consignment.history.at(-1)).toMatchObject({
      action: "dispatch",
      changes: {
        state: { from: "received", to: "received_with_discrepancies" },
        sealDiscrepancy: { from: null, to: sealDiscrepancy },
      },
    });
  });

  test("a dispatch and its receipt in one push apply in order: the receipt finds the case in transit", async () => {
    const planned = await world.approved(2);
    const [stray] = await world.tapesAt(1);
    const [first, second] = planned.tapes;
    const scanned = [first!.barcode, stray!.barcode];
    const dispatch = dispatchEvent(planned.consignment.id, scanned, { sealNumbers: ["S-9"], occurredAt: hoursAgo(3) });
    const receipt = receiptEvent(planned.consignment.id, scanned, {
      sealNumbers: ["S-9"],
      occurredAt: hoursAgo(1),
      signature: signatureImage({ width: 320 }),
    });

    expect(await world.push(world.courier, [dispatch, receipt])).toEqual([
      { id: dispatch.id, status: "applied" },
      { id: receipt.id, status: "applied" },
    ]);

    const consignment = await world.staff.caller.consignments.get({ id: planned.consignment.id });
    expect(consignment).toMatchObject({
      state: "received_with_discrepancies",
      dispatchedAt: dispatch.occurredAt,
      dispatchEventId: dispatch.id,
      dispatchSignature: dispatch.type === "consignment.dispatched" ? dispatch.payload.signature : null,
      sealNumbers: ["S-9"],
      receivedAt: receipt.occurredAt,
      receiptEventId: receipt.id,
      receiptSignature: receipt.type === "consignment.received" ? receipt.payload.signature : null,
      receivedSealNumbers: ["S-9"],
      sealDiscrepancy: null,
    });
    const lines = Object.fromEntries(
      consignment.lines.map((line) => [line.tape.barcode, [line.outcome, line.unexpected, line.scannedOutAt]]),
    );
    expect(lines).toEqual({
      [first!.barcode]: ["received", false, dispatch.occurredAt],
      [second!.barcode]: ["missing", false, null],
      [stray!.barcode]: ["received", true, dispatch.occurredAt],
    });
    expect(consignment.history.slice(-2)).toMatchObject([
      {
        action: "dispatch",
        changes: { state: { from: "approved", to: "in_transit" }, unexpected: { from: null, to: [stray!.barcode] } },
      },
      {
        action: "receive",
        changes: {
          state: { from: "in_transit", to: "received_with_discrepancies" },
          missing: { from: null, to: [second!.barcode] },
        },
      },
    ]);
    const now = await whereNow([first!.id, stray!.id]);
    for (const arrived of [first!, stray!]) expect(now[arrived.barcode]).toMatchObject({ siteId: world.vault.id });
  });

  test("two dispatches in one push cannot both take a cartridge neither planned: the second is rejected", async () => {
    const [one, two] = [await world.approved(1), await world.approved(1)];
    const [stray] = await world.tapesAt(1);
    const first = dispatchEvent(one.consignment.id, [...one.barcodes, stray!.barcode]);
    const second = dispatchEvent(two.consignment.id, [...two.barcodes, stray!.barcode]);

    const [applied, refused] = await world.push(world.courier, [first, second]);
    expect(applied).toEqual({ id: first.id, status: "applied" });
    expect(reasonOf(refused)).toBe(`${stray!.barcode} is already in consignment ${one.consignment.number}`);
    expect(
      await app.db.backupConsignmentTape.count({ where: { tapeId: stray!.id, consignmentId: one.consignment.id } }),
    ).toBe(1);
    expect(await app.db.backupConsignment.findUniqueOrThrow({ where: { id: two.consignment.id } })).toMatchObject({
      state: "approved",
      dispatchedAt: null,
    });
  });

  test("the same event pushed again answers duplicate and applies nothing twice", async () => {
    const planned = await world.approved(2);
    const dispatch = dispatchEvent(planned.consignment.id, planned.barcodes);
    await world.pushApplied(world.courier, [dispatch]);
    const before = await fingerprint(app.db);
    expect(await world.push(world.courier, [dispatch], "courier-phone-again")).toEqual([
      { id: dispatch.id, status: "duplicate" },
    ]);
    expect(changedTables(before, await fingerprint(app.db))).toEqual([]);
  });

  test("two devices receiving the same consignment at once: one receipt applies, the other is rejected naming who received it", async () => {
    const planned = await world.inTransit(2);
    // On PostgreSQL the second device's push comes through another app server's connections.
    const elsewhere = await callerFor(app.connect(), app.auth, world.staff.headers);
    const [vault, desk] = await Promise.all([
      world.push(world.custodian, [receiptEvent(planned.consignment.id, planned.barcodes)], "vault-tablet"),
      elsewhere.sync.push({
        deviceId: "desk",
        events: [receiptEvent(planned.consignment.id, planned.barcodes, { receiverName: "Sam Staff" })],
      }),
    ]);
    const results = [vault[0]!, desk[0]!];
    expect(results.map((result) => result.status).sort()).toEqual(["applied", "rejected"]);
    const winner = vault[0]!.status === "applied" ? "Vera Vault" : "Sam Staff";
    expect(reasonOf(results.find((result) => result.status === "rejected"))).toBe(
      `${planned.consignment.number} was already received by ${winner} (signed by ${winner}); this receipt was not applied`,
    );
    const tapeIds = planned.tapes.map((tape) => tape.id);
    expect(await app.db.backupTapeLocation.count({ where: { tapeId: { in: tapeIds }, siteId: world.vault.id } })).toBe(
      2,
    );
    expect(
      await app.db.backupAuditLog.count({
        where: { entityType: "consignment", entityId: planned.consignment.id, action: "receive" },
      }),
    ).toBe(1);
  });
});

describe("what screens and phones read", () => {
  test("the phone's catalogue carries the consignments it may dispatch or receive, with expected and scanned-out labels", async () => {
    const ready = await world.approved(2);
    const moving = await world.approved(2);
    await world.pushApplied(world.courier, [dispatchEvent(moving.consignment.id, moving.barcodes.slice(0, 1))]);
    const planned = await world.draft(1);

    const { consignments } = await world.courier.caller.sync.catalogue({});
    const byId = new Map(consignments.map((consignment) => [consignment.id, consignment]));
    expect(byId.get(ready.consignment.id)).toMatchObject({
      state: "approved",
      fromSite: { id: world.store.id, name: "Server room" },
      toSite: { id: world.vault.id, name: "Iron Vault" },
      expected: [...ready.barcodes].sort(),
      scannedOut: [],
      dispatchedById: null,
    });
    expect(byId.get(moving.consignment.id)).toMatchObject({
      state: "in_transit",
      expected: [...moving.barcodes].sort(),
      scannedOut: moving.barcodes.slice(0, 1),
      sealNumbers: ["S-1001"],
      dispatchedById: world.courier.user.id,
    });
    expect(byId.has(planned.consignment.id)).toBe(false);
    for (const consignment of consignments) expect(["approved", "in_transit"]).toContain(consignment.state);
  });

  test("a cartridge's consignments, newest first, each with what the cartridge came to", async () => {
    const cancelled = await world.draft(1);
    await world.staff.caller.consignments.cancel({ id: cancelled.consignment.id, reason: "Wrong case" });
    const tape = cancelled.tapes[0]!;
    const current = await world.staff.caller.consignments.create({
      fromSiteId: world.store.id,
      toSiteId: world.vault.id,
      tapeIds: [tape.id],
    });
    await world.staff.caller.consignments.submit({ id: current.id });
    await world.approver.caller.consignments.approve({ id: current.id });
    await world.pushApplied(world.courier, [dispatchEvent(current.id, [tape.barcode])]);

    expect(
      (await world.courier.caller.consignments.ofTape({ tapeId: tape.id })).map((row) => [
        row.number,
        row.state,
        row.outcome,
      ]),
    ).toEqual([
      [current.number, "in_transit", "in_transit"],
      [cancelled.consignment.number, "cancelled", "expected"],
    ]);
  });

  test("the overview counts consignments by state", async () => {
    const before = (await world.staff.caller.consignments.overview()).counts;
    await world.draft(1);
    await world.inTransit(1);
    const after = (await world.staff.caller.consignments.overview()).counts;
    expect(after).toEqual({
      ...before,
      draft: (before.draft ?? 0) + 1,
      in_transit: (before.in_transit ?? 0) + 1,
    });
  });
});
