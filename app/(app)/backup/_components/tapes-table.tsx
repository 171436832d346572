"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import {
  DataTable,
  FilterSelect,
  FilterText,
  useKeysetPages,
  type Column,
  type Sorting,
} from "@/app/_components/data-table";
import { Moment } from "@/app/_components/time-zone";
import { useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate } from "@/lib/dates";
import { formatBytes } from "@/lib/format";
import { NEXT_MOVE_FILTER_NAMES, NEXT_MOVE_FILTERS } from "@/lib/rotation";
import { LOCATION_KIND_LABEL, LOCATION_KINDS, TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import type { AppRouter } from "@/server/root";
import { useRowDelete } from "./delete-dialog";
import { NonStandardMark } from "./non-standard-mark";
import {
  firstTapesInput,
  OVERVIEW_PAGE_SIZE,
  startingPage,
  type TapeTableFilters,
  type TapeTableSort,
  type TapeTableStart,
} from "./overview-tables";
import { NextMove } from "./rotation-table";

type Filters = TapeTableFilters;
type Sort = TapeTableSort;
type TapePage = inferRouterOutputs<AppRouter>["tapes"]["list"];
type Tape = TapePage["items"][number];

const STATUS_OPTIONS = (Object.keys(TAPE_STATUS_LABEL) as (keyof typeof TAPE_STATUS_LABEL)[]).map((status) => ({
  value: status,
  label: TAPE_STATUS_LABEL[status],
}));
const LOCATION_OPTIONS = [
  ...LOCATION_KINDS.map((kind) => ({ value: kind, label: LOCATION_KIND_LABEL[kind] })),
  { value: "none" as const, label: "No location logged" },
];
const NEXT_MOVE_OPTIONS = NEXT_MOVE_FILTER_NAMES.map((name) => ({ value: name, label: NEXT_MOVE_FILTERS[name].label }));
const EXPIRY_OPTIONS = [7, 30, 90, 365].map((days) => ({ value: days, label: `Data expiring within ${days} days` }));
const GENERATION_OPTIONS = Array.from({ length: 10 }, (_, i) => ({ value: i + 1, label: `LTO-${i + 1}` }));

const media = (tape: Tape) =>
  `${tape.generation ? `LTO-${tape.generation}` : "Cleaning"} · ${formatBytes(tape.nativeCapacityBytes)}`;

const COLUMNS: Column<Tape, Sort>[] = [
  {
    key: "barcode",
    header: "Barcode",
    sort: "barcode",
    className: "font-mono font-medium",
    cell: (tape) => (
      <>
        <Link href={`/backup/tapes/${tape.id}`} className="text-brand-700 hover:underline">
          {tape.barcode}
        </Link>
        {tape.nonStandardLabel && (
          <span className="ml-2">
            <NonStandardMark />
          </span>
        )}
      </>
    ),
  },
  { key: "media", header: "Media", cell: media },
  { key: "status", header: "Status", cell: (tape) => TAPE_STATUS_LABEL[tape.status] },
  {
    key: "location",
    header: "Location",
    cell: ({ currentLocation: location }) =>
      location ? `${LOCATION_KIND_LABEL[location.kind]}${location.site ? ` · ${location.site}` : ""}` : "—",
  },
  {
    key: "expires",
    header: "Data expires",
    sort: "dataExpiry",
    sortLabels: { asc: "Data expiring first", desc: "Data expiring last" },
    cell: (tape) => formatCalendarDate(tape.expiresAt),
  },
  {
    key: "nextMove",
    header: "Next move",
    sort: "nextMove",
    sortLabels: { asc: "Next move soonest", desc: "Next move latest" },
    cell: (tape) => (tape.nextMove ? <NextMove row={{ nextMove: tape.nextMove, overdue: tape.overdue }} /> : "—"),
  },
  {
    key: "registered",
    header: "Registered",
    sort: "createdAt",
    firstDirection: "desc",
    sortLabels: { desc: "Newest first", asc: "Oldest first" },
    cell: (tape) => <Moment value={tape.createdAt} dayOnly />,
  },
];

function exportHref(filters: Filters, { column, direction }: Sorting<Sort>) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, sort: column, direction }))
    if (value !== undefined && value !== "") params.set(key, String(value));
  return `/backup/export/tapes?${params}`;
}

/**
 * `initial` opens the table filtered and sorted, e.g. on the cartridges whose data expires soon; `firstPage`,
 * fetched on the server for that start (`firstTapesInput`), is shown without asking again.
 */
export function TapesTable({ initial, firstPage }: { initial?: TapeTableStart; firstPage?: TapePage } = {}) {
  const trpc = useTRPC();
  const { sort: initialSort, ...initialFilters } = initial ?? {};
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [sorting, setSorting] = useState<Sorting<Sort>>({ column: initialSort ?? "barcode", direction: "asc" });
  const paging = useKeysetPages(JSON.stringify([filters, sorting]));
  const remove = useRowDelete<Tape>("tape", (tape) => `Delete ${tape.barcode}`);

  const input = {
    ...filters,
    sort: sorting.column,
    direction: sorting.direction,
    cursor: paging.cursor,
    limit: OVERVIEW_PAGE_SIZE,
  };
  const query = useQuery({
    ...trpc.tapes.list.queryOptions(input),
    initialData: startingPage(input, firstTapesInput(initial), firstPage),
    placeholderData: keepPreviousData,
  });
  // Cartridges may still be at a retired site: the filter offers those too.
  const sites = useQuery(trpc.sites.options.queryOptions({ retired: true }));
  const update = (next: Partial<Filters>) => setFilters((current) => ({ ...current, ...next }));
  const filtered = Object.values(filters).some((value) => value !== undefined && value !== "");

  return (
    <>
      <DataTable
        title="Tape cartridges"
        noun="cartridges"
        testId="tapes-table"
        pagesLabel="Cartridge pages"
        columns={COLUMNS}
        query={query}
        paging={paging}
        sorting={sorting}
        onSort={setSorting}
        actions={
          <div className="flex flex-wrap gap-2">
            <a href={exportHref(filters, sorting)} className="btn-secondary" download>
              Export CSV
            </a>
            <a href="/backup/export/locations" className="btn-secondary" download>
              Locations CSV
            </a>
            <a href="/backup/export/custody" className="btn-secondary" download>
              Custody CSV
            </a>
          </div>
        }
        filters={
          <>
            <FilterText
              label="Search barcodes"
              placeholder="Search barcode"
              className="lg:col-span-2"
              value={filters.search}
              onChange={(search) => update({ search: search || undefined })}
            />
            <FilterSelect
              label="Status"
              anyLabel="Any status"
              value={filters.status}
              options={STATUS_OPTIONS}
              onChange={(status) => update({ status })}
            />
            <FilterSelect
              label="Location"
              anyLabel="Any location"
              value={filters.locationKind}
              options={LOCATION_OPTIONS}
              onChange={(locationKind) => update({ locationKind })}
            />
            <FilterSelect
              label="Site"
              anyLabel="Any site"
              value={filters.siteId}
              options={(sites.data ?? []).map((site) => ({
                value: site.id,
                label: site.active ? site.name : `${site.name} (retired)`,
              }))}
              onChange={(siteId) => update({ siteId })}
            />
            <FilterSelect
              label="Generation"
              anyLabel="Any generation"
              value={filters.generation}
              options={GENERATION_OPTIONS}
              onChange={(generation) => update({ generation })}
            />
            <FilterSelect
              label="Next move"
              anyLabel="Any next move"
              value={filters.nextMove}
              options={NEXT_MOVE_OPTIONS}
              onChange={(nextMove) => update({ nextMove })}
            />
            <FilterSelect
              label="Data expiry"
              anyLabel="Any data expiry"
              value={filters.dataExpiresWithin}
              options={
                filters.dataExpiresWithin &&
                !EXPIRY_OPTIONS.some((option) => option.value === filters.dataExpiresWithin)
                  ? [
                      ...EXPIRY_OPTIONS,
                      {
                        value: filters.dataExpiresWithin,
                        label: `Data expiring within ${filters.dataExpiresWithin} days`,
                      },
                    ]
                  : EXPIRY_OPTIONS
              }
              onChange={(dataExpiresWithin) => update({ dataExpiresWithin })}
            />
            <FilterText label="Tag" value={filters.tag} onChange={(tag) => update({ tag: tag || undefined })} />
          </>
        }
        empty={filtered ? "No cartridges match these filters." : "No tape cartridges are registered yet."}
        card={(tape) => (
          <Link href={`/backup/tapes/${tape.id}`} className="block">
            <p className="font-mono font-medium text-brand-700">
              {tape.barcode} {tape.nonStandardLabel && <NonStandardMark />}
            </p>
            <p className="text-sm text-slate-600">
              {TAPE_STATUS_LABEL[tape.status]} · {media(tape)}
            </p>
            <p className="text-xs text-slate-500">
              {tape.currentLocation ? LOCATION_KIND_LABEL[tape.currentLocation.kind] : "No location"} · expires{" "}
              {formatCalendarDate(tape.expiresAt)}
              {tape.nextMove && (
                <>
                  {" "}
                  · next move <NextMove row={{ nextMove: tape.nextMove, overdue: tape.overdue }} />
                </>
              )}
            </p>
          </Link>
        )}
        rowAction={remove.rowAction}
      />
      {remove.dialog}
    </>
  );
}
