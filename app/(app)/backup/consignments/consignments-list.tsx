"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { DataTable, FilterSelect, FilterText, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Moment } from "@/app/_components/time-zone";
import { useCan } from "@/app/_components/writers-only";
import { useTRPC } from "@/app/_trpc/client";
import { CONSIGNMENT_STATE_LABEL, CONSIGNMENT_STATES, type ConsignmentListFilter } from "@/lib/consignments";
import type { AppRouter } from "@/server/root";
import { ConsignmentFlags, StateBadge } from "../_components/consignment-badges";

type Row = inferRouterOutputs<AppRouter>["consignments"]["list"]["items"][number];
const PAGE_SIZE = 25;

/** "Open" is the list's default, so it is the select's first, empty choice. */
const FILTER_OPTIONS: { value: Exclude<ConsignmentListFilter, "open">; label: string }[] = [
  { value: "incidents", label: "With incidents" },
  ...CONSIGNMENT_STATES.map((state) => ({ value: state, label: CONSIGNMENT_STATE_LABEL[state] })),
  { value: "all", label: "All" },
];

const numberLink = (row: Row) => (
  <Link href={`/backup/consignments/${row.id}`} className="font-mono font-medium text-brand-700 hover:underline">
    {row.number}
  </Link>
);
const route = (row: Row) => `${row.fromSite.name} → ${row.toSite.name}`;

/** Expected / scanned out / received, as the steps so far have counted them. */
function Counts({ row }: { row: Row }) {
  return (
    <span className="tabular-nums" title="Expected / scanned out / received">
      {row.expected} / {row.scannedOut} / {row.received}
    </span>
  );
}

const COLUMNS: Column<Row>[] = [
  { key: "number", header: "Number", cell: numberLink },
  { key: "state", header: "State", cell: (row) => <StateBadge state={row.state} /> },
  { key: "route", header: "From → to", cell: route },
  { key: "case", header: "Case", cell: (row) => row.containerId ?? "—" },
  { key: "cartridges", header: "Expected / out / in", cell: (row) => <Counts row={row} /> },
  { key: "flags", header: "Incidents", cell: (row) => <ConsignmentFlags flags={row} /> },
  { key: "created", header: "Created", cell: (row) => <Moment value={row.createdAt} dayOnly /> },
];

/** Consignments newest first: open ones by default, by state or with incidents, found by number or case. */
export function ConsignmentsList({ initialFilter }: { initialFilter: ConsignmentListFilter }) {
  const trpc = useTRPC();
  const canManage = useCan("consignments.manage");
  const [filter, setFilter] = useState<ConsignmentListFilter>(initialFilter);
  const [search, setSearch] = useState("");
  const paging = useKeysetPages(`${filter}:${search}`);
  const query = useQuery({
    ...trpc.consignments.list.queryOptions({
      filter,
      search: search.trim() || undefined,
      cursor: paging.cursor,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const filtered = filter !== "open" || search.trim() !== "";

  return (
    <DataTable
      title="Consignments"
      noun="consignments"
      testId="consignments-table"
      pagesLabel="Consignment pages"
      columns={COLUMNS}
      query={query}
      paging={paging}
      actions={
        canManage && (
          <Link href="/backup/consignments/new" className="btn-primary">
            New consignment
          </Link>
        )
      }
      filters={
        <>
          <FilterText
            type="search"
            label="Search consignments"
            placeholder="Number or case"
            className="lg:col-span-2"
            value={search}
            onChange={setSearch}
          />
          <FilterSelect
            label="Show"
            anyLabel="Open"
            value={filter === "open" ? undefined : filter}
            options={FILTER_OPTIONS}
            onChange={(value) => setFilter(value ?? "open")}
          />
        </>
      }
      empty={
        filtered
          ? "No consignment matches these filters."
          : canManage
            ? "No open consignment. Start one with New consignment, or from the list of cartridges to send."
            : "No open consignment."
      }
      card={(row) => (
        <div className="space-y-1">
          <p className="flex flex-wrap items-center gap-2">
            {numberLink(row)} <StateBadge state={row.state} />
          </p>
          <p className="text-sm text-slate-600">
            {route(row)}
            {row.containerId && ` · case ${row.containerId}`}
          </p>
          <p className="text-xs text-slate-500">
            <Counts row={row} /> expected / out / in · created <Moment value={row.createdAt} dayOnly />
          </p>
          <ConsignmentFlags flags={row} />
        </div>
      )}
    />
  );
}
