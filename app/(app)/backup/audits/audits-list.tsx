"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { DataTable, FilterSelect, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Moment } from "@/app/_components/time-zone";
import { useCan } from "@/app/_components/writers-only";
import { useTRPC } from "@/app/_trpc/client";
import { AUDIT_STATE_LABEL, AUDIT_STATES, type AuditState } from "@/lib/audits";
import type { AppRouter } from "@/server/root";
import { AuditStateBadge } from "./audit-badges";

type Row = inferRouterOutputs<AppRouter>["audits"]["list"]["items"][number];
const PAGE_SIZE = 25;
const STATE_OPTIONS = AUDIT_STATES.map((state) => ({ value: state, label: AUDIT_STATE_LABEL[state] }));

const numberLink = (row: Row) => (
  <Link href={`/backup/audits/${row.id}`} className="font-mono font-medium text-brand-700 hover:underline">
    {row.number}
  </Link>
);
const place = (row: Row) => `${row.site.name} · ${row.scope}`;

/** Present of expected, then what needs a look; while open, "missing" is what is still to scan. */
function Counts({ row }: { row: Row }) {
  const { expected, present, misplaced, unknown, missing } = row.counts;
  return (
    <span className="tabular-nums">
      {present} of {expected} present
      {misplaced > 0 && ` · ${misplaced} misplaced`}
      {unknown > 0 && ` · ${unknown} unknown`}
      {missing > 0 && ` · ${missing} ${row.state === "open" ? "to scan" : "missing"}`}
    </span>
  );
}

const COLUMNS: Column<Row>[] = [
  { key: "number", header: "Number", cell: numberLink },
  { key: "state", header: "State", cell: (row) => <AuditStateBadge state={row.state} /> },
  { key: "place", header: "Site · scope", cell: place },
  { key: "counts", header: "Cartridges", cell: (row) => <Counts row={row} /> },
  { key: "started", header: "Started", cell: (row) => <Moment value={row.startedAt} dayOnly /> },
  {
    key: "ended",
    header: "Closed",
    cell: (row) => (row.closedAt ? <Moment value={row.closedAt} dayOnly /> : "—"),
  },
];

/** Inventory audits newest first, of one site or in one state. */
export function AuditsList({ initialSiteId }: { initialSiteId: string | undefined }) {
  const trpc = useTRPC();
  const canRun = useCan("audits.run");
  const sites = useQuery(trpc.sites.options.queryOptions({ retired: true }));
  const [siteId, setSiteId] = useState(initialSiteId);
  const [state, setState] = useState<AuditState | undefined>(undefined);
  const paging = useKeysetPages(`${siteId}:${state}`);
  const query = useQuery({
    ...trpc.audits.list.queryOptions({ siteId, state, cursor: paging.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const filtered = siteId !== undefined || state !== undefined;

  return (
    <DataTable
      title="Audits"
      noun="audits"
      testId="audits-table"
      pagesLabel="Audit pages"
      columns={COLUMNS}
      query={query}
      paging={paging}
      actions={
        canRun && (
          <Link href="/backup/audits/new" className="btn-primary">
            Start an audit
          </Link>
        )
      }
      filters={
        <>
          <FilterSelect
            label="Site"
            anyLabel="Every site"
            value={siteId}
            options={(sites.data ?? []).map((site) => ({ value: site.id, label: site.name }))}
            onChange={setSiteId}
          />
          <FilterSelect label="State" anyLabel="Any state" value={state} options={STATE_OPTIONS} onChange={setState} />
        </>
      }
      empty={
        filtered
          ? "No audit matches these filters."
          : canRun
            ? "No audit yet. Start one to check what is on a site's shelves against the catalogue."
            : "No audit yet."
      }
      card={(row) => (
        <div className="space-y-1">
          <p className="flex flex-wrap items-center gap-2">
            {numberLink(row)} <AuditStateBadge state={row.state} />
          </p>
          <p className="text-sm text-slate-600">{place(row)}</p>
          <p className="text-xs text-slate-500">
            <Counts row={row} /> · started <Moment value={row.startedAt} dayOnly />
          </p>
        </div>
      )}
    />
  );
}
