import type { CatalogueLocation, CataloguePage } from "@/lib/sync/catalogue";
import { currentOf, supersedes } from "@/lib/sync/current-location";
import { setMeta, type CachedTape, type OutboxRow, type SyncDb } from "./outbox";

/** The location this device recorded last (by the current-location rule) and the server has not applied yet. */
function newestPendingLocation(rows: OutboxRow[], barcode: string): CatalogueLocation | null {
  const recorded = rows
    .filter((row) => row.barcode === barcode)
    .sort((a, b) => a.seq - b.seq)
    .flatMap((row): CatalogueLocation[] =>
      row.type === "location.logged"
        ? [{ kind: row.payload.kind, site: row.payload.site?.trim() || null, occurredAt: row.occurredAt }]
        : [],
    );
  return currentOf(recorded);
}

/**
 * Applies one pulled page to the cache and stores its cursor in the same transaction, so a page is never
 * half applied nor skipped. The server's state wins, except where the signed-in user holds a later location
 * not pushed yet: the courier keeps seeing where they put the cartridge. Another user's unsent events stay
 * theirs and show nowhere.
 */
export async function mergeCataloguePage(db: SyncDb, page: CataloguePage, userId: string) {
  await db.transaction("rw", db.catalogue, db.outbox, db.sites, db.meta, async () => {
    const barcodes = [...new Set(page.items.map((item) => item.barcode))];
    const [cachedRows, pendingRows] = await Promise.all([
      db.catalogue.bulkGet(barcodes),
      db.outbox
        .where("barcode")
        .anyOf(barcodes)
        .filter((row) => row.status === "pending" && row.userId === userId)
        .toArray(),
    ]);
    const cache = new Map<string, CachedTape | undefined>(
      barcodes.map((barcode, index) => [barcode, cachedRows[index]]),
    );

    // In change order: a barcode deleted and registered again arrives as a tombstone, then the new cartridge.
    for (const item of page.items) {
      if (item.deleted) {
        if (cache.get(item.barcode)?.id === item.id) cache.set(item.barcode, undefined);
        continue;
      }
      const pending = newestPendingLocation(pendingRows, item.barcode);
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
    await setMeta(db, "catalogueCursor", page.cursor);
  });
}

/** Drops the offline catalogue, its sites and where its pull had got to, so the next pull starts over. */
export async function forgetCatalogue(db: SyncDb) {
  await db.catalogue.clear();
  await db.sites.clear();
  await db.meta.bulkDelete(["catalogueCursor", "lastSyncedAt"]);
}
