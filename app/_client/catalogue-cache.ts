import type { CatalogueLocation, CataloguePage } from "@/lib/sync/catalogue";
import { currentOf, supersedes } from "@/lib/sync/current-location";
import { isAuditScan, withScans } from "./field-audits";
import { isConsignmentEvent, recordedLocations, withStep, type RecordedLocation } from "./field-consignments";
import { CONSIGNMENT_SUBJECT } from "@/lib/sync/events";
import { setMeta, type CachedTape, type SyncDb } from "./outbox";

/** The locations this device recorded for `barcode` and the server has not applied yet, in the order recorded. */
function pendingLocations(recorded: RecordedLocation[][], barcode: string): CatalogueLocation[] {
  return recorded.flatMap((moves) => moves.filter((move) => move.barcode === barcode).map((move) => move.location));
}

/**
 * Applies one pulled page to the cache and stores its cursor in the same transaction, so a page is never
 * half applied nor skipped. The server's state wins, except where the signed-in user holds a later location
 * not pushed yet: the courier keeps seeing where they put the cartridge, a case dispatched or received
 * here stays so, and a label scanned here for an audit stays scanned. Another user's unsent events stay theirs and show nowhere.
 */
export async function mergeCataloguePage(db: SyncDb, page: CataloguePage, userId: string) {
  await db.transaction("rw", [db.catalogue, db.outbox, db.sites, db.consignments, db.audits, db.meta], async () => {
    const barcodes = [...new Set(page.items.map((item) => item.barcode))];
    const mine = (row: { status: string; userId: string }) => row.status === "pending" && row.userId === userId;
    const [cachedRows, pendingRows, pendingSteps, pendingScans] = await Promise.all([
      db.catalogue.bulkGet(barcodes),
      db.outbox.where("barcode").anyOf(barcodes).filter(mine).toArray(),
      db.outbox.where("barcode").startsWith(CONSIGNMENT_SUBJECT).filter(mine).toArray(),
      db.outbox
        .where("status")
        .equals("pending")
        .filter((row) => mine(row) && isAuditScan(row))
        .toArray(),
    ]);
    const sites = new Map(page.sites.map((site) => [site.id, site]));
    const consignments = new Map(page.consignments.map((consignment) => [consignment.id, consignment]));
    const recorded = [...pendingRows, ...pendingSteps]
      .sort((a, b) => a.seq - b.seq)
      .map((row) => {
        const toSite = row.type === "consignment.received" ? consignments.get(row.payload.consignmentId)?.toSite : null;
        return recordedLocations(row, (toSite && sites.get(toSite.id)) ?? null);
      });
    const cache = new Map<string, CachedTape | undefined>(
      barcodes.map((barcode, index) => [barcode, cachedRows[index]]),
    );

    // In change order: a barcode deleted and registered again arrives as a tombstone, then the new cartridge.
    for (const item of page.items) {
      if (item.deleted) {
        if (cache.get(item.barcode)?.id === item.id) cache.set(item.barcode, undefined);
        continue;
      }
      const pending = currentOf(pendingLocations(recorded, item.barcode));
      // The server applies the pending event after everything it has sent, so the same rule decides.
      const location = pending && supersedes(pending, item.location) ? pending : item.location;
      cache.set(item.barcode, {
        barcode: item.barcode,
        id: item.id,
        status: item.status,
        location,
        changedAt: item.changedAt,
      });
    }

    const entries = [...cache.entries()];
    await db.catalogue.bulkDelete(entries.filter(([, tape]) => !tape).map(([barcode]) => barcode));
    await db.catalogue.bulkPut(entries.flatMap(([, tape]) => (tape ? [tape] : [])));
    await db.sites.clear();
    await db.sites.bulkPut(page.sites);
    for (const row of pendingSteps.sort((a, b) => a.seq - b.seq)) {
      const consignment = isConsignmentEvent(row) && consignments.get(row.payload.consignmentId);
      if (consignment) consignments.set(consignment.id, withStep(consignment, row, userId));
    }
    await db.consignments.clear();
    await db.consignments.bulkPut([...consignments.values()]);
    const audits = new Map(page.audits.map((audit) => [audit.id, audit]));
    for (const row of pendingScans) {
      const audit = isAuditScan(row) && audits.get(row.payload.auditId);
      if (audit) audits.set(audit.id, withScans(audit, [row.payload.barcode]));
    }
    await db.audits.clear();
    await db.audits.bulkPut([...audits.values()]);
    await setMeta(db, "catalogueCursor", page.cursor);
  });
}

/** The tables `forgetCatalogue` changes, for a transaction that calls it. */
export const catalogueTables = (db: SyncDb) => [db.catalogue, db.sites, db.consignments, db.audits, db.meta];

/**
 * Drops the offline catalogue, its sites, its consignments, its audits and where its pull had got to, so the
 * next pull starts over.
 */
export async function forgetCatalogue(db: SyncDb) {
  await db.catalogue.clear();
  await db.sites.clear();
  await db.consignments.clear();
  await db.audits.clear();
  await db.meta.bulkDelete(["catalogueCursor", "lastSyncedAt"]);
}
