import { beforeEach, describe, expect, test } from "vitest";
import { lineIncident } from "../../lib/consignments";
import { ATTENTION_ITEMS } from "../../lib/reminders";
import { consignmentOverview, listConsignments } from "../../server/consignments/service";
import { needsAttention } from "../../server/reminders/attention";
import { rotationOverview } from "../../server/rotation/service";
import { createTape } from "../factories/backup";
import { attentionWorld, day, NOW } from "../helpers/attention-world";
import { signedInUser, useTestApp } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

beforeEach(async () => {
  await truncateAll(app.db);
});

const counts = (attention: Awaited<ReturnType<typeof needsAttention>>) =>
  Object.fromEntries(ATTENTION_ITEMS.map((item) => [item, attention.items[item].count]));

describe("needs attention", () => {
  test("an empty catalogue is all clear", async () => {
    const attention = await needsAttention(app.db, NOW);
    expect(attention.total).toBe(0);
    expect(Object.values(counts(attention))).toEqual(ATTENTION_ITEMS.map(() => 0));
  });

  test("counts every item by its own rule, with the first of each", async () => {
    const world = await attentionWorld(app.db);
    const attention = await needsAttention(app.db, NOW);
    expect(counts(attention)).toEqual({
      send: 2,
      bringBack: 1,
      overdueConsignments: 1,
      consignmentIncidents: 2,
      sealIncidents: 1,
      auditMissing: 1,
      inventoryDue: 2,
    });
    expect(attention.total).toBe(10);
    const { items } = attention;
    expect(items.send).toMatchObject({ overdue: 1 });
    expect(items.send.examples.map((tape) => tape.id)).toEqual(world.send.map((tape) => tape.id));
    expect(items.bringBack).toMatchObject({ overdue: 1, examples: [{ id: world.bringBack.id, nextMove: day(-9) }] });
    expect(items.overdueConsignments.examples).toEqual([
      expect.objectContaining({ number: "C-2026-0001", fromSite: "Server room", toSite: "Vault <B> & Co" }),
    ]);
    expect(
      items.consignmentIncidents.examples.map((line) => [line.consignment.number, line.tape.id, line.kind]).sort(),
    ).toEqual(
      [
        ["C-2026-0001", world.missingTape.id, "missing"],
        ["C-2026-0002", world.lostTape.id, "lost"],
      ].sort(),
    );
    expect(items.sealIncidents.examples).toEqual([
      expect.objectContaining({ number: "C-2026-0002", sealDiscrepancy: "Seal 4471 broken" }),
    ]);
    expect(items.auditMissing.examples).toEqual([
      {
        tape: { id: world.auditMissing.id, barcode: world.auditMissing.barcode },
        audit: { id: world.audit.id, number: "I-2026-0001", siteName: "Annex" },
        missingAt: day(-1),
      },
    ]);
    expect(items.inventoryDue.examples.map((site) => site.siteName)).toEqual(["Server room", "Vault <B> & Co"]);
  });

  test("the rotation counts are the rotation overview's, and change with it", async () => {
    await attentionWorld(app.db);
    const overview = await rotationOverview(app.db, 5, NOW);
    const { items } = await needsAttention(app.db, NOW);
    expect([items.send.count, items.send.overdue]).toEqual([overview.send.total, overview.send.overdue]);
    expect([items.bringBack.count, items.bringBack.overdue]).toEqual([
      overview.bringBack.total,
      overview.bringBack.overdue,
    ]);
    // A day later the cartridge due today is overdue too.
    const tomorrow = await needsAttention(app.db, new Date(NOW.getTime() + 86_400_000));
    expect(tomorrow.items.send.overdue).toBe(2);
  });

  test("consignment incidents are the cartridges lineIncident names, and the list's incidents filter still finds them", async () => {
    await attentionWorld(app.db);
    const lines = await app.db.backupConsignmentTape.findMany({
      include: { consignment: { select: { state: true } } },
    });
    const open = lines.filter((line) => lineIncident(line.consignment.state, line) !== null);
    const { items } = await needsAttention(app.db, NOW);
    expect(items.consignmentIncidents.count).toBe(open.length);
    const listed = await listConsignments(app.db, { filter: "incidents", limit: 25 }, NOW);
    expect(listed.items.map((row) => row.number).sort()).toEqual(["C-2026-0001", "C-2026-0002"]);
  });

  test("counts are whole where the overview's lists stop at 20", async () => {
    const world = await attentionWorld(app.db);
    const tapes = await Promise.all(Array.from({ length: 24 }, () => createTape(app.db)));
    for (const [index, tape] of tapes.entries()) {
      await app.db.backupConsignment.create({
        data: {
          number: `C-2026-${String(index + 10).padStart(4, "0")}`,
          year: 2026,
          sequence: index + 10,
          fromSiteId: world.sites.store.id,
          toSiteId: world.sites.vault.id,
          createdByName: "Factory",
          state: "received",
          tapes: { create: { tapeId: tape.id, expected: true, scannedOutAt: day(-3), lostAt: day(-2) } },
        },
      });
    }
    const overview = await consignmentOverview(app.db, NOW);
    expect(overview.incidents.length).toBeLessThan(26);
    const { items } = await needsAttention(app.db, NOW);
    expect(items.consignmentIncidents.count).toBe(26);
    expect(items.consignmentIncidents.examples).toHaveLength(5);
  });

  test("resolving an incident or auditing a site takes it off", async () => {
    const world = await attentionWorld(app.db);
    await app.db.backupInventoryExpected.update({
      where: { auditId_tapeId: { auditId: world.audit.id, tapeId: world.auditMissing.id } },
      data: { resolvedAt: NOW, resolution: "Found" },
    });
    await app.db.backupConsignmentTape.update({
      where: { consignmentId_tapeId: { consignmentId: world.received.id, tapeId: world.lostTape.id } },
      data: { resolvedAt: NOW, resolution: "Written off" },
    });
    await app.db.backupConsignment.update({ where: { id: world.received.id }, data: { sealResolvedAt: NOW } });
    await app.db.backupInventoryAudit.create({
      data: {
        number: "I-2026-0002",
        year: 2026,
        sequence: 2,
        siteId: world.sites.store.id,
        state: "closed",
        startedByName: "Factory",
        closedAt: day(-1),
      },
    });
    const { items } = await needsAttention(app.db, NOW);
    expect([items.auditMissing.count, items.consignmentIncidents.count, items.sealIncidents.count]).toEqual([0, 1, 0]);
    expect(items.inventoryDue.examples.map((site) => site.siteName)).toEqual(["Vault <B> & Co"]);
  });

  test("reminders.attention answers anyone signed in, read-only users too", async () => {
    await attentionWorld(app.db);
    const { caller } = await signedInUser(app, { role: "courier", backupAccess: "read" });
    const attention = await caller.reminders.attention();
    expect(attention.items.sealIncidents.count).toBe(1);
    expect(attention.total).toBeGreaterThan(0);
  });
});
