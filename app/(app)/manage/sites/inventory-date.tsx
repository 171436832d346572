import { Badge } from "@/app/(app)/backup/_components/consignment-badges";
import type { inferRouterOutputs } from "@trpc/server";
import { Moment } from "@/app/_components/time-zone";
import type { AppRouter } from "@/server/root";

export type SiteInventory = inferRouterOutputs<AppRouter>["audits"]["sites"][number];

/**
 * When the site's last complete audit (the whole site) was closed, and "Inventory due" when it holds
 * cartridges and that is too long ago or never happened. A retired site has no inventory to keep.
 */
export function InventoryDate({ inventory }: { inventory: SiteInventory | undefined }) {
  if (!inventory) return <>—</>;
  return (
    <span className="inline-flex flex-wrap items-center gap-1" data-testid="site-inventory">
      {inventory.lastCompleteAuditAt ? <Moment value={inventory.lastCompleteAuditAt} dayOnly /> : "Never"}
      {inventory.inventoryDue && (
        <Badge tone="warn" testId="inventory-due">
          Inventory due
        </Badge>
      )}
    </span>
  );
}
