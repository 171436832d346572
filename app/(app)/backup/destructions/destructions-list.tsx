"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { DataTable, FilterText, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Moment } from "@/app/_components/time-zone";
import { useCan } from "@/app/_components/writers-only";
import { useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate } from "@/lib/dates";
import { METHOD_LABEL } from "@/lib/destruction";
import type { AppRouter } from "@/server/root";

type Row = inferRouterOutputs<AppRouter>["destruction"]["list"]["items"][number];
const PAGE_SIZE = 25;

const numberLink = (row: Row) => (
  <Link href={`/backup/destructions/${row.id}`} className="font-mono font-medium text-brand-700 hover:underline">
    {row.number}
  </Link>
);
const how = (row: Row) => `${METHOD_LABEL[row.method]} · ${row.technique}`;

const COLUMNS: Column<Row>[] = [
  { key: "number", header: "Certificate", cell: numberLink },
  { key: "date", header: "Date", cell: (row) => formatCalendarDate(row.performedAt) },
  { key: "how", header: "Method · technique", cell: how },
  { key: "cartridges", header: "Cartridges", className: "tabular-nums", cell: (row) => row.cartridges },
  {
    key: "by",
    header: "Performed by",
    cell: (row) => (row.vendor ? `${row.performedBy} (${row.vendor})` : row.performedBy),
  },
  { key: "override", header: "Override", cell: (row) => (row.overrideReason ? "Yes" : "—") },
  { key: "recorded", header: "Recorded", cell: (row) => <Moment value={row.recordedAt} dayOnly /> },
];

/** Destructions newest first, found by certificate number, vendor or a cartridge's barcode. */
export function DestructionsList() {
  const trpc = useTRPC();
  const canRecord = useCan("destruction.record");
  const [search, setSearch] = useState("");
  const paging = useKeysetPages(search);
  const query = useQuery({
    ...trpc.destruction.list.queryOptions({
      search: search.trim() || undefined,
      cursor: paging.cursor,
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });

  return (
    <DataTable
      title="Destructions"
      noun="destructions"
      testId="destructions-table"
      pagesLabel="Destruction pages"
      columns={COLUMNS}
      query={query}
      paging={paging}
      actions={
        canRecord && (
          <Link href="/backup/destructions/new" className="btn-primary">
            Record a destruction
          </Link>
        )
      }
      filters={
        <FilterText
          type="search"
          label="Search destructions"
          placeholder="Certificate, vendor or barcode"
          className="lg:col-span-2"
          value={search}
          onChange={setSearch}
        />
      }
      empty={search.trim() ? "No destruction matches this search." : "No cartridge has been destroyed yet."}
      card={(row) => (
        <div className="space-y-1">
          <p>{numberLink(row)}</p>
          <p className="text-sm text-slate-600">
            {formatCalendarDate(row.performedAt)} · {how(row)}
          </p>
          <p className="text-xs text-slate-500">
            {row.cartridges} cartridge{row.cartridges === 1 ? "" : "s"} · {row.performedBy}
            {row.overrideReason && " · override"}
          </p>
        </div>
      )}
    />
  );
}
