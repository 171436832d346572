"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useDebouncedValue } from "@/app/_client/use-debounced-value";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { formatBytes } from "@/lib/format";
import { formatCalendarDate } from "@/lib/dates";
import { type JobSort } from "@/lib/jobs";
import { useCanWrite } from "@/app/_components/writers-only";
import { VerificationBadge } from "../jobs/_components/verification-badge";
import { DeleteJobDialog } from "./delete-job-dialog";
import { TrashIcon } from "./tapes-table";

const PAGE_SIZE = 25;
const tapeCount = (count: number) => (count === 1 ? "1 tape" : `${count} tapes`);

/** Backup jobs a page at a time from the server, sortable and searchable; cards on phones. */
export function JobsTable() {
  const canWrite = useCanWrite();
  const trpc = useTRPC();
  const [searchText, setSearchText] = useState("");
  const search = useDebouncedValue(searchText.trim(), 250);
  const [sort, setSort] = useState<JobSort>("jobDate");
  const [direction, setDirection] = useState<"asc" | "desc">("desc");
  // Cursors of the pages up to the current one, so "Previous" works with keyset pagination.
  const [pages, setPages] = useState<{ key: string; cursors: (string | undefined)[] }>({
    key: "",
    cursors: [undefined],
  });
  const [deleting, setDeleting] = useState<string | null>(null);

  // A new search or order starts again from its first page.
  const listKey = `${search}|${sort}|${direction}`;
  const cursors = pages.key === listKey ? pages.cursors : [undefined];
  const query = useQuery({
    ...trpc.jobs.list.queryOptions({
      search: search || undefined,
      sort,
      direction,
      cursor: cursors.at(-1),
      limit: PAGE_SIZE,
    }),
    placeholderData: keepPreviousData,
  });

  function sortBy(column: JobSort) {
    if (column === sort) setDirection((current) => (current === "asc" ? "desc" : "asc"));
    else {
      setSort(column);
      setDirection(column === "name" ? "asc" : "desc");
    }
  }
  const sortMark = (column: JobSort) => (sort === column ? (direction === "asc" ? " ▲" : " ▼") : "");
  const ariaSort = (column: JobSort) =>
    sort === column ? (direction === "asc" ? "ascending" : "descending") : undefined;
  const sortHeader = (column: JobSort, label: string) => (
    <th className="px-4 py-2" aria-sort={ariaSort(column)}>
      <button type="button" className="uppercase tracking-wide hover:text-slate-800" onClick={() => sortBy(column)}>
        {label}
        {sortMark(column)}
      </button>
    </th>
  );

  const items = query.data?.items ?? [];
  const nextCursor = query.data?.nextCursor;
  return (
    <section aria-labelledby="jobs-title" className="mt-8">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="jobs-title" className="text-lg font-semibold">
          Backup jobs
        </h2>
        <input
          type="search"
          aria-label="Search jobs by name or source system"
          placeholder="Search name or source system"
          className="input sm:w-72"
          value={searchText}
          onChange={(event) => setSearchText(event.target.value)}
        />
      </div>
      <label className="mt-2 flex items-center gap-2 text-sm text-slate-600 md:hidden">
        Sort by
        <select
          className="input w-auto py-1"
          value={`${sort}:${direction}`}
          onChange={(event) => {
            const [column, order] = event.target.value.split(":") as [JobSort, "asc" | "desc"];
            setSort(column);
            setDirection(order);
          }}
        >
          <option value="jobDate:desc">Newest first</option>
          <option value="jobDate:asc">Oldest first</option>
          <option value="expiresAt:asc">Expiring first</option>
          <option value="expiresAt:desc">Expiring last</option>
          <option value="name:asc">Name A–Z</option>
          <option value="name:desc">Name Z–A</option>
        </select>
      </label>

      {query.isError && (
        <p role="alert" className="mt-4 text-sm text-red-700">
          Could not load backup jobs: {errorMessage(query.error)}{" "}
          <button type="button" className="underline" onClick={() => query.refetch()}>
            Try again
          </button>
        </p>
      )}
      {query.isPending && (
        <p role="status" className="mt-4 text-sm text-slate-500">
          Loading backup jobs…
        </p>
      )}
      {query.isSuccess && items.length === 0 && (
        <div className="card mt-3 p-8 text-center text-sm text-slate-600">
          {search ? `No backup jobs match “${search}”.` : "No backup jobs logged yet"}
        </div>
      )}

      {items.length > 0 && (
        <div
          className={`card mt-3 overflow-hidden ${query.isFetching ? "opacity-70" : ""}`}
          aria-busy={query.isFetching}
        >
          <table className="hidden w-full text-left text-sm md:table" data-testid="jobs-table">
            <thead className="border-b border-slate-200 bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                {sortHeader("name", "Name")}
                {sortHeader("jobDate", "Job date")}
                {sortHeader("expiresAt", "Expires")}
                <th className="px-4 py-2 text-right">Size</th>
                <th className="px-4 py-2">Verification</th>
                <th className="px-4 py-2 text-right">Tapes</th>
                {canWrite && (
                  <th className="px-4 py-2">
                    <span className="sr-only">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {items.map((job) => (
                <tr key={job.id} className="hover:bg-slate-50">
                  <td className="max-w-xs truncate px-4 py-2 font-medium">
                    <Link href={`/backup/jobs/${job.id}`} className="text-brand-700 hover:underline">
                      {job.name}
                    </Link>
                  </td>
                  <td className="whitespace-nowrap px-4 py-2">{formatCalendarDate(job.jobDate)}</td>
                  <td className="whitespace-nowrap px-4 py-2">{formatCalendarDate(job.expiresAt)}</td>
                  <td className="whitespace-nowrap px-4 py-2 text-right tabular-nums">{formatBytes(job.totalBytes)}</td>
                  <td className="px-4 py-2">
                    <VerificationBadge result={job.verification} />
                  </td>
                  <td className="px-4 py-2 text-right tabular-nums">{job.tapeCount}</td>
                  {canWrite && (
                    <td className="px-4 py-2 text-right">
                      <button
                        type="button"
                        className="rounded p-1 text-slate-500 hover:bg-red-50 hover:text-red-700"
                        aria-label={`Delete job ${job.name}`}
                        onClick={() => setDeleting(job.id)}
                      >
                        <TrashIcon />
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>

          <ul className="divide-y divide-slate-100 md:hidden" aria-label="Backup jobs">
            {items.map((job) => (
              <li key={job.id} className="flex items-start justify-between gap-3 p-4">
                <Link href={`/backup/jobs/${job.id}`} className="min-w-0 flex-1">
                  <p className="truncate font-medium text-brand-700">{job.name}</p>
                  <p className="text-sm text-slate-600">
                    {formatCalendarDate(job.jobDate)} · {formatBytes(job.totalBytes)} · {tapeCount(job.tapeCount)}
                  </p>
                  <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                    <VerificationBadge result={job.verification} />
                    Expires {formatCalendarDate(job.expiresAt)}
                  </p>
                </Link>
                {canWrite && (
                  <button
                    type="button"
                    className="rounded p-2 text-slate-500 hover:bg-red-50 hover:text-red-700"
                    aria-label={`Delete job ${job.name}`}
                    onClick={() => setDeleting(job.id)}
                  >
                    <TrashIcon />
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}

      {(cursors.length > 1 || nextCursor) && (
        <nav aria-label="Backup job pages" className="mt-3 flex items-center justify-between text-sm">
          <button
            type="button"
            className="btn-secondary"
            disabled={cursors.length <= 1}
            onClick={() => setPages({ key: listKey, cursors: cursors.slice(0, -1) })}
          >
            Previous
          </button>
          <span className="text-slate-500">Page {cursors.length}</span>
          <button
            type="button"
            className="btn-secondary"
            disabled={!nextCursor}
            onClick={() => nextCursor && setPages({ key: listKey, cursors: [...cursors, nextCursor] })}
          >
            Next
          </button>
        </nav>
      )}

      <DeleteJobDialog jobId={deleting} onClose={() => setDeleting(null)} />
    </section>
  );
}
