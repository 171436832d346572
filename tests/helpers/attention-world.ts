import type { LocationKind } from "../../lib/vocabulary";
import type { Db } from "../../server/db";
import { addDays, utcDay } from "../../server/rotation/sql";
import { createTape } from "../factories/backup";
import { linkTape } from "../factories/tape-jobs";

/** A fixed moment mid-morning, after the default digest hour: "today" is 10 March 2026 whatever the clock says. */
export const NOW = new Date("2026-03-10T09:30:00Z");
export const day = (offset: number) => addDays(utcDay(NOW), offset);

type Site = { id: string; name: string };

async function located(
  db: Db,
  site: Site & { kind: LocationKind },
  jobs: { jobDate: Date; retentionDays: number }[] = [],
) {
  const tape = await createTape(db);
  await db.backupTapeLocation.create({
    data: {
      tapeId: tape.id,
      kind: site.kind,
      siteId: site.id,
      site: site.name,
      occurredAt: day(-30),
      recordedByName: "Factory",
      isCurrent: true,
    },
  });
  for (const { jobDate, retentionDays } of jobs) {
    const job = await db.backupJob.create({
      data: { name: "Nightly", jobDate, retentionDays, expiresAt: addDays(jobDate, retentionDays) },
    });
    await linkTape(db, job.id, tape.id);
  }
  return tape;
}

/**
 * A catalogue with one or more of everything that needs attention at NOW, written straight to the tables
 * (the rules that count them are under test, not the steps that lead there):
 * - to send: two cartridges at the store, one overdue; to bring back: one at the vault, overdue;
 * - a consignment overdue in transit with one cartridge not scanned out (missing);
 * - a received consignment with one cartridge lost (open), one lost and resolved, one received, and its seal
 *   found broken (open);
 * - a complete audit of the annex, closed yesterday, that found one cartridge missing (open) and one missing
 *   since resolved;
 * - the store and the vault hold cartridges and were never audited (inventory due); the annex is not due.
 * The vault's name holds markup, which the digest's HTML must escape.
 */
export async function attentionWorld(db: Db) {
  const store = await db.backupSite.create({ data: { name: "Server room", kind: "on_site" } });
  const vault = await db.backupSite.create({ data: { name: "Vault <B> & Co", kind: "off_site" } });
  const annex = await db.backupSite.create({ data: { name: "Annex", kind: "on_site" } });

  const sendOverdue = await located(db, store, [{ jobDate: day(-10), retentionDays: 90 }]);
  const sendToday = await located(db, store, [{ jobDate: day(-1), retentionDays: 90 }]);
  const bringBack = await located(db, vault, [{ jobDate: day(-100), retentionDays: 105 }]);

  const consignment = (number: string, sequence: number, data: object) =>
    db.backupConsignment.create({
      data: {
        number,
        year: 2026,
        sequence,
        fromSiteId: store.id,
        toSiteId: vault.id,
        createdByName: "Factory",
        ...data,
      },
    });
  const outTape = await createTape(db);
  const missingTape = await createTape(db);
  const lostTape = await createTape(db);
  const resolvedTape = await createTape(db);
  const receivedTape = await createTape(db);
  const inTransit = await consignment("C-2026-0001", 1, {
    state: "in_transit",
    dispatchedAt: day(-3),
    tapes: {
      create: [
        { tapeId: outTape.id, expected: true, scannedOutAt: day(-3) },
        { tapeId: missingTape.id, expected: true },
      ],
    },
  });
  const received = await consignment("C-2026-0002", 2, {
    state: "received_with_discrepancies",
    dispatchedAt: day(-6),
    receivedAt: day(-5),
    sealDiscrepancy: "Seal 4471 broken",
    tapes: {
      create: [
        { tapeId: lostTape.id, expected: true, scannedOutAt: day(-6), lostAt: day(-4), lostReason: "Not in the case" },
        {
          tapeId: resolvedTape.id,
          expected: true,
          scannedOutAt: day(-6),
          lostAt: day(-4),
          resolvedAt: day(-2),
          resolution: "Written off",
        },
        { tapeId: receivedTape.id, expected: true, scannedOutAt: day(-6), scannedInAt: day(-5) },
      ],
    },
  });

  const annexSite = { ...annex, kind: "on_site" as const };
  const [auditMissing, auditResolved, auditPresent] = [
    await located(db, annexSite),
    await located(db, annexSite),
    await located(db, annexSite),
  ];
  const audit = await db.backupInventoryAudit.create({
    data: {
      number: "I-2026-0001",
      year: 2026,
      sequence: 1,
      siteId: annex.id,
      state: "closed",
      startedAt: day(-2),
      startedByName: "Factory",
      closedAt: day(-1),
      closedByName: "Factory",
      correctedAt: day(-1),
      correctedByName: "Factory",
      expected: {
        create: [
          { tapeId: auditMissing.id, missingAt: day(-1) },
          { tapeId: auditResolved.id, missingAt: day(-1), resolvedAt: NOW, resolution: "Found in the safe" },
          { tapeId: auditPresent.id },
        ],
      },
    },
  });

  return {
    sites: { store, vault, annex },
    send: [sendOverdue, sendToday],
    bringBack,
    inTransit,
    received,
    missingTape,
    lostTape,
    audit,
    auditMissing,
  };
}
