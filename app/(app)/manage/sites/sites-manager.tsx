"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useMemo, useState } from "react";
import { DataTable, FilterSelect, useKeysetPages, type Column } from "@/app/_components/data-table";
import { useCan } from "@/app/_components/writers-only";
import { useTRPC } from "@/app/_trpc/client";
import type { SiteListInput } from "@/lib/sites";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";
import { InventoryDate, type SiteInventory } from "./inventory-date";
import { LegacySiteMapping } from "./legacy-mapping";
import { SiteForm } from "./site-form";
import { SiteStatusButton } from "./site-status";

type Site = inferRouterOutputs<AppRouter>["sites"]["list"]["items"][number];
type Filters = Pick<SiteListInput, "search" | "status">;
const PAGE_SIZE = 25;

const STATUS_OPTIONS = [
  { value: "retired" as const, label: "Retired" },
  { value: "all" as const, label: "Active and retired" },
];

const siteLink = (site: Site) => (
  <Link href={`/manage/sites/${site.id}`} className="font-medium text-brand-700 hover:underline">
    {site.name}
  </Link>
);

type Inventories = Map<string, SiteInventory>;

const columns = (inventories: Inventories | undefined): Column<Site>[] => [
  { key: "name", header: "Name", cell: siteLink },
  { key: "kind", header: "Kind", cell: (site) => SITE_KIND_LABEL[site.kind] },
  { key: "code", header: "Label", className: "font-mono", cell: (site) => site.code },
  { key: "provider", header: "Service provider", cell: (site) => site.serviceProvider ?? "—" },
  { key: "here", header: "Cartridges here", className: "tabular-nums", cell: (site) => site.cartridgesHere },
  {
    key: "inventory",
    header: "Last complete audit",
    cell: (site) => <InventoryDate inventory={inventories?.get(site.id)} />,
  },
  { key: "status", header: "Status", cell: (site) => (site.active ? "Active" : "Retired") },
];

export function SitesManager() {
  const trpc = useTRPC();
  const canManage = useCan("sites.manage");
  const [adding, setAdding] = useState(false);
  const [filters, setFilters] = useState<Filters>({});
  const paging = useKeysetPages(JSON.stringify(filters));
  const query = useQuery({
    ...trpc.sites.list.queryOptions({ ...filters, cursor: paging.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const audits = useQuery(trpc.audits.sites.queryOptions());
  const inventories = useMemo(
    () => audits.data && new Map(audits.data.map((inventory) => [inventory.siteId, inventory])),
    [audits.data],
  );
  const filtered = !!filters.search || (filters.status !== undefined && filters.status !== "active");

  return (
    <>
      {canManage && <LegacySiteMapping />}
      {adding && <SiteForm onDone={() => setAdding(false)} />}
      <DataTable
        title="Sites"
        noun="sites"
        testId="sites-table"
        pagesLabel="Site pages"
        columns={columns(inventories)}
        query={query}
        paging={paging}
        actions={
          canManage && (
            <button
              type="button"
              className="btn-primary"
              aria-expanded={adding}
              onClick={() => setAdding((value) => !value)}
            >
              {adding ? "Close" : "Add site"}
            </button>
          )
        }
        filters={
          <>
            <input
              aria-label="Search sites"
              placeholder="Search name"
              className="input lg:col-span-2"
              value={filters.search ?? ""}
              onChange={(event) => setFilters((current) => ({ ...current, search: event.target.value || undefined }))}
            />
            <FilterSelect
              label="Status"
              anyLabel="Active"
              value={filters.status === "active" ? undefined : filters.status}
              options={STATUS_OPTIONS}
              onChange={(status) => setFilters((current) => ({ ...current, status }))}
            />
          </>
        }
        empty={
          filtered
            ? "No sites match these filters."
            : canManage
              ? "No sites yet. Add the server room and the vaults cartridges go to."
              : "No sites yet. Ask someone who manages sites to add them."
        }
        card={(site) => (
          <div>
            <p>{siteLink(site)}</p>
            <p className="text-sm text-slate-600">
              {SITE_KIND_LABEL[site.kind]} · <span className="font-mono">{site.code}</span>
              {!site.active && " · retired"}
            </p>
            <p className="text-xs text-slate-500">{site.cartridgesHere} cartridges here</p>
            {site.active && (
              <p className="text-xs text-slate-500">
                Last complete audit: <InventoryDate inventory={inventories?.get(site.id)} />
              </p>
            )}
          </div>
        )}
        rowAction={canManage ? (site) => <SiteStatusButton site={site} /> : undefined}
      />
    </>
  );
}
