"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { Moment } from "@/app/_components/time-zone";
import { formatCalendarDate } from "@/lib/dates";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { formatBytes } from "@/lib/format";
import { type TapeListInput } from "@/lib/tapes";
import { LOCATION_KIND_LABEL, LOCATION_KINDS, TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import { DeleteTapeDialog } from "./delete-tape-dialog";
import { NonStandardMark } from "./non-standard-mark";

type Filters = Pick<TapeListInput, "search" | "status" | "locationKind" | "generation" | "tag">;
type Sort = NonNullable<TapeListInput["sort"]>;
const PAGE_SIZE = 25;
const STATUSES = Object.keys(TAPE_STATUS_LABEL) as (keyof typeof TAPE_STATUS_LABEL)[];

function exportHref(filters: Filters, sort: Sort, direction: "asc" | "desc") {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, sort, direction }))
    if (value !== undefined && value !== "") params.set(key, String(value));
  return `/backup/export/tapes?${params}`;
}

export function TapesTable({ canWrite }: { canWrite: boolean }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>({});
  const [sort, setSort] = useState<Sort>("barcode");
  const [direction, setDirection] = useState<"asc" | "desc">("asc");
  // Cursors of the pages before the current one, so "Previous" works with keyset pagination.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [deleting, setDeleting] = useState<string | null>(null);
  const cursor = cursors.at(-1);

  const query = useQuery({
    ...trpc.tapes.list.queryOptions({ ...filters, sort, direction, cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });

  function update(next: Partial<Filters>) {
    setFilters((current) => ({ ...current, ...next }));
    setCursors([undefined]);
  }
  function sortBy(column: Sort) {
    if (column === sort) setDirection((d) => (d === "asc" ? "desc" : "asc"));
    else {
      setSort(column);
      setDirection(column === "barcode" ? "asc" : "desc");
    }
    setCursors([undefined]);
  }
  const sortMark = (column: Sort) => (sort === column ? (direction === "asc" ? " ▲" : " ▼") : "");
  const ariaSort = (column: Sort) => (sort === column ? (direction === "asc" ? "ascending" : "descending") : undefined);

  const items = query.data?.items ?? [];
  return (
    <section aria-labelledby="tapes-title" className="mt-8">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="tapes-title" className="text-lg font-semibold">
          Tape cartridges
        </h2>
        <a href={exportHref(filters, sort, direction)} className="btn-secondary" download>
          Export CSV
        </a>
      </div>

      <div className="mt-3 grid gap-2 sm:grid-cols-3 lg:grid-cols-6">
        <input
          aria-label="Search barcodes"
          placeholder="Search barcode"
          className="input lg:col-span-2"
          value={filters.search ?? ""}
          onChange={(event) => update({ search: event.target.value || undefined })}
        />
        <select
          aria-label="Status"
          className="input"
          value={filters.status ?? ""}
          onChange={(e) => update({ status: (e.target.value || undefined) as Filters["status"] })}
        >
          <option value="">Any status</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {TAPE_STATUS_LABEL[status]}
            </option>
          ))}
        </select>
        <select
          aria-label="Location"
          className="input"
          value={filters.locationKind ?? ""}
          onChange={(e) => update({ locationKind: (e.target.value || undefined) as Filters["locationKind"] })}
        >
          <option value="">Any location</option>
          {LOCATION_KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {LOCATION_KIND_LABEL[kind]}
            </option>
          ))}
          <option value="none">No location logged</option>
        </select>
        <select
          aria-label="Generation"
          className="input"
          value={filters.generation ?? ""}
          onChange={(e) => update({ generation: e.target.value ? Number(e.target.value) : undefined })}
        >
          <option value="">Any generation</option>
          {Array.from({ length: 10 }, (_, i) => i + 1).map((generation) => (
            <option key={generation} value={generation}>
              LTO-{generation}
            </option>
          ))}
        </select>
        <input
          aria-label="Tag"
          placeholder="Tag"
          className="input"
          value={filters.tag ?? ""}
          onChange={(event) => update({ tag: event.target.value || undefined })}
        />
      </div>

      {query.isError && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          Could not load cartridges: {errorMessage(query.error)}{" "}
          <button type="button" className="underline" onClick={() => query.refetch()}>
            Try again
          </button>
        </p>
      )}
      {query.isPending && <p className="mt-4 text-sm text-slate-500">Loading cartridges…</p>}
      {query.isSuccess && items.length === 0 && (
        <div className="card mt-3 p-8 text-center text-sm text-slate-600">
          {Object.values(filters).some((value) => value !== undefined && value !== "")
            ? "No cartridges match these filters."
            : "No tape cartridges are registered yet."}
        </div>
      )}

      {items.length > 0 && (
        <div
          className={`card mt-3 overflow-hidden ${query.isFetching ? "opacity-70" : ""}`}
          aria-busy={query.isFetching}
        >
          <table className="hidden w-full text-left text-sm md:table" data-testid="tapes-table">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th className="px-4 py-2" aria-sort={ariaSort("barcode")}>
                  <button type="button" onClick={() => sortBy("barcode")}>
                    Barcode{sortMark("barcode")}
                  </button>
                </th>
                <th className="px-4 py-2">Media</th>
                <th className="px-4 py-2">Status</th>
                <th className="px-4 py-2">Location</th>
                <th className="px-4 py-2">Expires</th>
                <th className="px-4 py-2" aria-sort={ariaSort("createdAt")}>
                  <button type="button" onClick={() => sortBy("createdAt")}>
                    Registered{sortMark("createdAt")}
                  </button>
                </th>
                {canWrite && (
                  <th className="px-4 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((tape) => (
                <tr key={tape.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2 font-mono font-medium">
                    <Link href={`/backup/tapes/${tape.id}`} className="text-brand-700 hover:underline">
                      {tape.barcode}
                    </Link>
                    {tape.nonStandardLabel && (
                      <span className="ml-2">
                        <NonStandardMark />
                      </span>
                    )}
                  </td>
                  <td className="px-4 py-2">
                    {tape.generation ? `LTO-${tape.generation}` : "Cleaning"} · {formatBytes(tape.nativeCapacityBytes)}
                  </td>
                  <td className="px-4 py-2">{TAPE_STATUS_LABEL[tape.status]}</td>
                  <td className="px-4 py-2">
                    {tape.currentLocation
                      ? `${LOCATION_KIND_LABEL[tape.currentLocation.kind]}${tape.currentLocation.site ? ` · ${tape.currentLocation.site}` : ""}`
                      : "—"}
                  </td>
                  <td className="px-4 py-2">{formatCalendarDate(tape.expiresAt)}</td>
                  <td className="px-4 py-2">
                    <Moment value={tape.createdAt} dayOnly />
                  </td>
                  {canWrite && (
                    <td className="px-4 py-2 text-right">
                      <button
                        type="button"
                        className="rounded p-1 text-slate-500 hover:bg-red-50 hover:text-red-700"
                        aria-label={`Delete ${tape.barcode}`}
                        onClick={() => setDeleting(tape.id)}
                      >
                        <TrashIcon />
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>

          <ul className="divide-y divide-slate-100 md:hidden">
            {items.map((tape) => (
              <li key={tape.id} className="flex items-start justify-between gap-3 p-4">
                <Link href={`/backup/tapes/${tape.id}`} className="min-w-0 flex-1">
                  <p className="font-mono font-medium text-brand-700">
                    {tape.barcode} {tape.nonStandardLabel && <NonStandardMark />}
                  </p>
                  <p className="text-sm text-slate-600">
                    {TAPE_STATUS_LABEL[tape.status]} · {tape.generation ? `LTO-${tape.generation}` : "Cleaning"} ·{" "}
                    {formatBytes(tape.nativeCapacityBytes)}
                  </p>
                  <p className="text-xs text-slate-500">
                    {tape.currentLocation ? LOCATION_KIND_LABEL[tape.currentLocation.kind] : "No location"} · expires{" "}
                    {formatCalendarDate(tape.expiresAt)}
                  </p>
                </Link>
                {canWrite && (
                  <button
                    type="button"
                    className="rounded p-2 text-slate-500 hover:bg-red-50 hover:text-red-700"
                    aria-label={`Delete ${tape.barcode}`}
                    onClick={() => setDeleting(tape.id)}
                  >
                    <TrashIcon />
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      {(cursors.length > 1 || query.data?.nextCursor) && (
        <nav aria-label="Cartridge pages" className="mt-3 flex items-center justify-between text-sm">
          <button
            type="button"
            className="btn-secondary"
            disabled={cursors.length <= 1}
            onClick={() => setCursors((c) => c.slice(0, -1))}
          >
            Previous
          </button>
          <span className="text-slate-500">Page {cursors.length}</span>
          <button
            type="button"
            className="btn-secondary"
            disabled={!query.data?.nextCursor}
            onClick={() => setCursors((c) => [...c, query.data?.nextCursor ?? undefined])}
          >
            Next
          </button>
        </nav>
      )}

      <DeleteTapeDialog tapeId={deleting} onClose={() => setDeleting(null)} />
    </section>
  );
}

export function TrashIcon() {
  return (
    <svg viewBox="0 0 24 24" className="size-4" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden>
      <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" />
    </svg>
  );
}
