"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { DataTable, useKeysetPages, type Column } from "@/app/_components/data-table";
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
  const [overdue, setOverdue] = useState(initialOverdue);
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
        </>
      }
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
