"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { DataTable, useKeysetPages, type Column, type RowSelection } from "@/app/_components/data-table";
import { useCan } from "@/app/_components/writers-only";
import { useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate } from "@/lib/dates";
import { NEXT_MOVE_LABEL, type RotationList } from "@/lib/rotation";
import { TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";

type Row = inferRouterOutputs<AppRouter>["rotation"]["list"]["items"][number];
const PAGE_SIZE = 25;
const EXPORT_KIND: Record<RotationList, string> = { send: "to-send", bring_back: "to-bring-back" };

/** A next-move date, marked when it is past. */
export function NextMove({ row }: { row: Pick<Row, "nextMove" | "overdue"> }) {
  return (
    <span className={row.overdue ? "font-medium text-red-700" : undefined}>
      {formatCalendarDate(row.nextMove)}
      {row.overdue && <span className="ml-1 rounded bg-red-50 px-1.5 text-xs">overdue</span>}
    </span>
  );
}

function columns(list: RotationList): Column<Row>[] {
  return [
    {
      key: "barcode",
      header: "Barcode",
      className: "font-mono font-medium",
      cell: (row) => (
        <Link href={`/backup/tapes/${row.id}`} className="text-brand-700 hover:underline">
          {row.barcode}
        </Link>
      ),
    },
    { key: "next", header: NEXT_MOVE_LABEL[list], cell: (row) => <NextMove row={row} /> },
    { key: "status", header: "Status", cell: (row) => TAPE_STATUS_LABEL[row.status] },
    { key: "site", header: "Site", cell: (row) => row.site ?? "—" },
    { key: "expires", header: "Data expires", cell: (row) => formatCalendarDate(row.dataExpiresAt) },
    {
      key: "recall",
      header: "Recalled",
      cell: (row) => (row.recallNeededBy ? `needed by ${formatCalendarDate(row.recallNeededBy)}` : "—"),
    },
  ];
}

/** The address of the new-consignment form with these cartridges, leaving from `siteId`. */
export function newConsignmentHref(siteId: string, rows: Pick<Row, "barcode">[]) {
  const params = new URLSearchParams({ from: siteId, barcodes: rows.map((row) => row.barcode).join(",") });
  return `/backup/consignments/new?${params}`;
}

/**
 * What is selected and the consignment it can become. A consignment leaves from one site: when the rows are
 * at several, each site is offered with its own rows; rows at no named site cannot go in one.
 */
function SelectionBar({ selected, onClear }: { selected: Row[]; onClear: () => void }) {
  const bySite = new Map<string, { name: string; rows: Row[] }>();
  for (const row of selected)
    if (row.siteId) {
      const site = bySite.get(row.siteId) ?? { name: row.site ?? "", rows: [] };
      site.rows.push(row);
      bySite.set(row.siteId, site);
    }
  const unplaced = selected.filter((row) => !row.siteId).length;
  const sites = [...bySite.entries()];
  return (
    <div
      className="card flex flex-wrap items-center gap-3 p-3 text-sm sm:col-span-3 lg:col-span-6"
      data-testid="rotation-selection"
      role="region"
      aria-label="Selected cartridges"
    >
      <span className="font-medium">{selected.length} selected</span>
      {sites.length === 1 && (
        <Link href={newConsignmentHref(sites[0]![0], sites[0]![1].rows)} className="btn-primary">
          Create consignment
        </Link>
      )}
      {sites.length > 1 && (
        <>
          <span className="text-slate-700">
            They are at {sites.length} sites, and a consignment leaves from one. Create one from:
          </span>
          {sites.map(([siteId, site]) => (
            <Link key={siteId} href={newConsignmentHref(siteId, site.rows)} className="btn-secondary">
              {site.name} ({site.rows.length})
            </Link>
          ))}
        </>
      )}
      {unplaced > 0 && (
        <span className="text-amber-900">
          {unplaced} {unplaced === 1 ? "is" : "are"} at no named site and cannot go in a consignment.
        </span>
      )}
      <button type="button" className="btn-secondary ml-auto" onClick={onClear}>
        Clear selection
      </button>
    </div>
  );
}

/** A whole rotation list, most pressing first, a page at a time; overdue only when asked. */
export function RotationTable({
  list,
  title,
  overdue: initialOverdue,
}: {
  list: RotationList;
  title: string;
  overdue: boolean;
}) {
  const trpc = useTRPC();
  const canConsign = useCan("consignments.manage");
  const [overdue, setOverdue] = useState(initialOverdue);
  // Kept across pages, so a consignment can hold more than one page of the list.
  const [selected, setSelected] = useState<ReadonlyMap<string, Row>>(new Map());
  const selection: RowSelection<Row> = {
    isSelected: (row) => selected.has(row.id),
    onChange: (rows, on) =>
      setSelected((current) => {
        const next = new Map(current);
        for (const row of rows)
          if (on) next.set(row.id, row);
          else next.delete(row.id);
        return next;
      }),
    label: (row) => `Select ${row.barcode}`,
  };
  const paging = useKeysetPages(String(overdue));
  const query = useQuery({
    ...trpc.rotation.list.queryOptions({
      list,
      overdue: overdue || undefined,
      cursor: paging.cursor,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });
  const counts = query.data && (
    <p className="text-sm text-slate-600" data-testid="rotation-counts">
      {query.data.total.toLocaleString("en")} cartridges, {query.data.overdue.toLocaleString("en")} overdue
    </p>
  );
  return (
    <DataTable
      title={title}
      noun="cartridges"
      testId="rotation-table"
      pagesLabel="List pages"
      columns={columns(list)}
      query={query}
      paging={paging}
      actions={
        <a
          href={`/backup/export/${EXPORT_KIND[list]}${overdue ? "?overdue=1" : ""}`}
          className="btn-secondary"
          download
        >
          Export CSV
        </a>
      }
      filters={
        <>
          <label className="flex items-center gap-2 text-sm sm:col-span-2">
            <input type="checkbox" checked={overdue} onChange={(event) => setOverdue(event.target.checked)} />
            Overdue only
          </label>
          <div className="sm:col-span-2 lg:col-span-4">{counts}</div>
          {selected.size > 0 && (
            <SelectionBar selected={[...selected.values()]} onClear={() => setSelected(new Map())} />
          )}
        </>
      }
      selection={canConsign ? selection : undefined}
      empty={overdue ? "Nothing on this list is overdue." : "No cartridge is on this list."}
      card={(row) => (
        <Link href={`/backup/tapes/${row.id}`} className="block">
          <p className="font-mono font-medium text-brand-700">{row.barcode}</p>
          <p className="text-sm text-slate-600">
            {NEXT_MOVE_LABEL[list]} <NextMove row={row} />
          </p>
          <p className="text-xs text-slate-500">
            {row.site ?? "No site"} · data expires {formatCalendarDate(row.dataExpiresAt)}
          </p>
        </Link>
      )}
    />
  );
}
