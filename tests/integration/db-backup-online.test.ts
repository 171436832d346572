import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { verifyAuditChain } from "../../server/audit/chain";
import { createDb, type Db } from "../../server/db";
import { backupRunningDatabase, restoreBackup, writeFileDurably } from "../../server/db/backup";
import { pushEvents } from "../../server/sync/service";
import { testDatabaseUrl } from "../helpers/database";
import { custodyEvent, locationEvent, tapeRegisteredEvent } from "../factories/sync-events";

let tmp: string;
const courier = { id: "online-backup-courier", name: "Carl Courier" };
const BARCODES = ["ONL001L9", "ONL002L9", "ONL003L8"];

/** One phone pushing small batches until told to stop; returns the ids the server acknowledged, in order. */
async function phone(db: Db, deviceId: string, stop: () => boolean) {
  const acknowledged: string[] = [];
  for (let round = 0; !stop() || round < 3; round++) {
    const barcode = BARCODES[round % BARCODES.length]!;
    const events = [locationEvent(barcode, { site: `${deviceId} ${round}` }), custodyEvent(barcode)];
    const results = await pushEvents(db, courier, { deviceId, events });
    expect(results.map((result) => result.status)).toEqual(["applied", "applied"]);
    acknowledged.push(...events.map((event) => event.id));
  }
  return acknowledged;
}

// The embedded database only: on PostgreSQL, pg_dump takes consistent backups of a running server.
describe.skipIf(testDatabaseUrl())("a backup of the embedded database while it runs", () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backup-monitor-online-"));
    const seed = new PGlite(path.join(tmp, "data"), {
      loadDataDir: new Blob([fs.readFileSync(inject("pgliteSnapshotPath")!)]),
    });
    await seed.waitReady;
    await seed.close();
  }, 300_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("taken while phones push, it restores to an intact chain holding every event acknowledged before it", async () => {
    const db = createDb({ kind: "pglite", dataDir: path.join(tmp, "data") });
    let acknowledgedBefore: Set<string>;
    let bytes: Uint8Array;
    try {
      await pushEvents(db, courier, { deviceId: "setup", events: BARCODES.map((code) => tapeRegisteredEvent(code)) });
      let done = false;
      const phones = [phone(db, "phone-a", () => done), phone(db, "phone-b", () => done)];
      // Let the phones get going, then back up in the middle of their pushes.
      while ((await db.syncEvent.count()) < 12) await new Promise((resolve) => setTimeout(resolve, 20));
      const atStart = new Set((await db.syncEvent.findMany({ select: { id: true } })).map((row) => row.id));
      bytes = await backupRunningDatabase(db);
      const duringBackup = await db.syncEvent.count();
      done = true;
      const acknowledged = (await Promise.all(phones)).flat();
      // Events acknowledged before the backup began are those stored when it began.
      acknowledgedBefore = new Set(acknowledged.filter((id) => atStart.has(id)));
      expect(acknowledgedBefore.size).toBeGreaterThanOrEqual(8);
      expect(acknowledged.length, "the phones kept pushing after the backup").toBeGreaterThan(duringBackup - 3);
    } finally {
      await db.$disconnect();
    }

    const file = path.join(tmp, "online.tar.gz");
    writeFileDurably(file, bytes);
    const restoredDir = path.join(tmp, "restored");
    await restoreBackup(file, restoredDir);
    const restored = createDb({ kind: "pglite", dataDir: restoredDir });
    try {
      const report = await verifyAuditChain(restored);
      expect(report).toMatchObject({ intact: true, keyed: true });
      const events = await restored.syncEvent.findMany({ where: { deviceId: { startsWith: "phone-" } } });
      const ids = new Set(events.map((event) => event.id));
      expect(
        [...acknowledgedBefore].filter((id) => !ids.has(id)),
        "acknowledged events missing",
      ).toEqual([]);
      // Nothing half done: each event in the backup has its location or custody row and its audit entry.
      const locations = await restored.backupTapeLocation.count({ where: { eventId: { in: [...ids] } } });
      const custody = await restored.backupTapeCustody.count({ where: { eventId: { in: [...ids] } } });
      expect(locations + custody).toBe(ids.size);
      const audited = await restored.backupAuditLog.count({ where: { entityType: { in: ["location", "custody"] } } });
      expect(audited).toBe(ids.size);
    } finally {
      await restored.$disconnect();
    }
  }, 240_000);
});
