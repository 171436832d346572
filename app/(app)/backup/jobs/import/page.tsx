import type { Metadata } from "next";
import Link from "next/link";
import { getViewer } from "@/app/_trpc/server";
import { refusal } from "@/lib/capabilities";
import { IMPORT_COLUMNS } from "@/lib/job-import";
import { JobImport } from "./job-import";

export const metadata: Metadata = { title: "Import jobs" };

/** A job log from any backup software, as CSV: checked row by row, then imported whole or not at all. */
export default async function ImportJobsPage() {
  const viewer = await getViewer();
  if (!viewer) return null;
  const refused = refusal(viewer, "jobs.edit");
  const columns = Object.values(IMPORT_COLUMNS);
  return (
    <div className="mx-auto max-w-5xl">
      <p className="text-sm">
        <Link href="/backup" className="text-brand-700 underline">
          Backup Monitor
        </Link>
      </p>
      <h1 className="mt-1 text-2xl font-semibold">Import backup jobs</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        A CSV file with one job per row, as most backup software can export its job log. The first line names the
        columns:{" "}
        <strong>
          {columns
            .filter((column) => column.required)
            .map((column) => column.label)
            .join(", ")}
        </strong>{" "}
        are needed;{" "}
        {columns
          .filter((column) => !column.required)
          .map((column) => column.label)
          .join(", ")}{" "}
        may follow. Barcodes are listed in the order the job wrote them, separated by spaces or semicolons; dates as
        2026-11-30 or 2026-11-30 22:00 (UTC). A row with a job id updates the job an earlier import of it made. Nothing
        is written until every row is right.
      </p>
      {refused ? (
        <p role="status" className="mt-6 text-sm text-slate-700">
          {refused}.
        </p>
      ) : (
        <JobImport />
      )}
    </div>
  );
}
