import type { Db, Tx } from "../db";
import { readSettings } from "../settings/service";

export type SiteInventory = {
  siteId: string;
  siteName: string;
  /** When its last complete audit (the whole site, not one shelf or locker) was closed; null if never. */
  lastCompleteAuditAt: Date | null;
  /** It holds cartridges and its last complete audit is older than the setting, or there was none. */
  inventoryDue: boolean;
};

/**
 * Every active site with the date of its last complete inventory audit and whether one is due: the sites
 * page shows the date, the overview and the daily digest list the sites that are due. A site holding no
 * cartridge is never due.
 */
export async function siteInventories(db: Db | Tx, now = new Date()): Promise<SiteInventory[]> {
  const { inventoryDueMonths } = await readSettings(db);
  const rows = await db.$queryRaw<
    { site_id: string; site_name: string; last_complete_audit_at: Date | null; inventory_due: boolean }[]
  >`
    SELECT s.id AS site_id, s.name AS site_name, last.closed_at AS last_complete_audit_at,
           (last.closed_at IS NULL OR last.closed_at < ${now}::timestamp - make_interval(months => ${inventoryDueMonths}::int))
             AND EXISTS (SELECT 1 FROM backup_tape_location l WHERE l.site_id = s.id AND l.is_current) AS inventory_due
    FROM backup_site s
    LEFT JOIN LATERAL (
      SELECT max(a.closed_at) AS closed_at FROM backup_inventory_audit a
      WHERE a.site_id = s.id AND a.state = 'closed' AND a.shelf IS NULL AND a.locker IS NULL
    ) last ON true
    WHERE s.active
    ORDER BY lower(s.name)`;
  return rows.map((row) => ({
    siteId: row.site_id,
    siteName: row.site_name,
    lastCompleteAuditAt: row.last_complete_audit_at,
    inventoryDue: row.inventory_due,
  }));
}
