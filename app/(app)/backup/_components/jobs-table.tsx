"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { useDebouncedValue } from "@/app/_client/use-debounced-value";
import { DataTable, FilterText, useKeysetPages, type Column, type Sorting } from "@/app/_components/data-table";
import { useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate } from "@/lib/dates";
import { formatBytes } from "@/lib/format";
import { type JobSort } from "@/lib/jobs";
import type { AppRouter } from "@/server/root";
import { VerificationBadge } from "../jobs/_components/verification-badge";
import { useRowDelete } from "./delete-dialog";
import { firstJobsInput, OVERVIEW_PAGE_SIZE, startingPage } from "./overview-tables";

type JobPage = inferRouterOutputs<AppRouter>["jobs"]["list"];
type Job = JobPage["items"][number];
const tapeCount = (count: number) => (count === 1 ? "1 tape" : `${count} tapes`);

const COLUMNS: Column<Job, JobSort>[] = [
  {
    key: "name",
    header: "Name",
    sort: "name",
    sortLabels: { asc: "Name A–Z", desc: "Name Z–A" },
    className: "max-w-xs truncate font-medium",
    cell: (job) => (
      <Link href={`/backup/jobs/${job.id}`} className="text-brand-700 hover:underline">
        {job.name}
      </Link>
    ),
  },
  {
    key: "jobDate",
    header: "Job date",
    sort: "jobDate",
    firstDirection: "desc",
    sortLabels: { desc: "Newest first", asc: "Oldest first" },
    className: "whitespace-nowrap",
    cell: (job) => formatCalendarDate(job.jobDate),
  },
  {
    key: "expiresAt",
    header: "Expires",
    sort: "expiresAt",
    firstDirection: "desc",
    sortLabels: { asc: "Expiring first", desc: "Expiring last" },
    className: "whitespace-nowrap",
    cell: (job) => formatCalendarDate(job.expiresAt),
  },
  {
    key: "size",
    header: "Size",
    className: "whitespace-nowrap text-right tabular-nums",
    cell: (job) => formatBytes(job.totalBytes),
  },
  { key: "verification", header: "Verification", cell: (job) => <VerificationBadge result={job.verification} /> },
  { key: "tapes", header: "Tapes", className: "text-right tabular-nums", cell: (job) => job.tapeCount },
];

/**
 * Backup jobs a page at a time from the server, sortable and searchable; cards on phones. `firstPage`,
 * fetched on the server (`firstJobsInput`), is shown without asking again.
 */
export function JobsTable({ firstPage }: { firstPage?: JobPage } = {}) {
  const trpc = useTRPC();
  const [searchText, setSearchText] = useState("");
  const search = useDebouncedValue(searchText.trim(), 250);
  const [sorting, setSorting] = useState<Sorting<JobSort>>({ column: "jobDate", direction: "desc" });
  const paging = useKeysetPages(JSON.stringify([search, sorting]));
  const remove = useRowDelete<Job>("job", (job) => `Delete job ${job.name}`);

  const input = {
    search: search || undefined,
    sort: sorting.column,
    direction: sorting.direction,
    cursor: paging.cursor,
    limit: OVERVIEW_PAGE_SIZE,
  };
  const query = useQuery({
    ...trpc.jobs.list.queryOptions(input),
    initialData: startingPage(input, firstJobsInput(), firstPage),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <DataTable
        title="Backup jobs"
        noun="backup jobs"
        testId="jobs-table"
        pagesLabel="Backup job pages"
        columns={COLUMNS}
        query={query}
        paging={paging}
        sorting={sorting}
        onSort={setSorting}
        actions={
          <FilterText
            type="search"
            label="Search jobs by name or source system"
            placeholder="Search name or source system"
            className="sm:w-72"
            value={searchText}
            onChange={setSearchText}
          />
        }
        empty={search ? `No backup jobs match “${search}”.` : "No backup jobs logged yet"}
        card={(job) => (
          <Link href={`/backup/jobs/${job.id}`} className="block">
            <p className="truncate font-medium text-brand-700">{job.name}</p>
            <p className="text-sm text-slate-600">
              {formatCalendarDate(job.jobDate)} · {formatBytes(job.totalBytes)} · {tapeCount(job.tapeCount)}
            </p>
            <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
              <VerificationBadge result={job.verification} />
              Expires {formatCalendarDate(job.expiresAt)}
            </p>
          </Link>
        )}
        rowAction={remove.rowAction}
      />
      {remove.dialog}
    </>
  );
}
