"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useId, useState } from "react";
import { toast } from "sonner";
import { formatCalendarDate } from "@/lib/dates";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { MAX_IMPORT_CHARS } from "@/lib/job-import";

type CsvFile = { name: string; text: string };

const PREVIEW_COLUMNS = ["Line", "Job", "Date", "Retention", "Cartridges", "Check"];

/** Pick or paste a file, see every row checked, then import all of it. */
export function JobImport() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<CsvFile | null>(null);
  const [registerUnknown, setRegisterUnknown] = useState(false);
  const [done, setDone] = useState<{
    created: number;
    updated: number;
    unchanged: number;
    registered: string[];
  } | null>(null);
  const check = useMutation(trpc.jobs.checkImport.mutationOptions());
  const importing = useMutation(trpc.jobs.import.mutationOptions());
  const fileId = useId();
  const pasteId = useId();

  function load(next: CsvFile, register = registerUnknown) {
    setFile(next);
    setDone(null);
    importing.reset();
    if (next.text.trim()) check.mutate({ csv: next.text, registerUnknown: register });
    else check.reset();
  }

  const preview = check.data;
  const withProblems = preview?.rows.filter((row) => row.problems.length > 0).length ?? 0;
  const ready = !!preview && preview.problems.length === 0 && preview.rows.length > 0 && withProblems === 0;

  async function submit() {
    if (!file || !ready) return;
    const result = await importing.mutateAsync({ fileName: file.name, csv: file.text, registerUnknown });
    await queryClient.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
    setDone(result);
    toast.success(`${result.created + result.updated} jobs imported from ${file.name}.`);
  }

  return (
    <div className="mt-6 space-y-4">
      <section className="card space-y-4 p-5" aria-labelledby="import-file-title">
        <h2 id="import-file-title" className="text-base font-semibold">
          The file
        </h2>
        <div className="grid gap-4 md:grid-cols-2">
          <div>
            <label htmlFor={fileId} className="block text-sm font-medium">
              CSV file
            </label>
            <input
              id={fileId}
              type="file"
              accept=".csv,text/csv,text/plain"
              className="mt-1 block w-full text-sm"
              onChange={async (event) => {
                const picked = event.target.files?.[0];
                if (!picked) return;
                if (picked.size > MAX_IMPORT_CHARS) {
                  toast.error(`${picked.name} is larger than ${MAX_IMPORT_CHARS / 1_000_000} MB.`);
                  return;
                }
                load({ name: picked.name, text: await picked.text() });
              }}
            />
          </div>
          <div>
            <label htmlFor={pasteId} className="block text-sm font-medium">
              Or paste its lines
            </label>
            <textarea
              id={pasteId}
              rows={4}
              className="input mt-1 font-mono text-xs"
              placeholder={"name,date,retention,barcodes\nNightly full,2026-11-30,35,000123L9 000124L9"}
              value={file?.name === "pasted.csv" ? file.text : ""}
              onChange={(event) => load({ name: "pasted.csv", text: event.target.value })}
            />
          </div>
        </div>
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={registerUnknown}
            onChange={(event) => {
              setRegisterUnknown(event.target.checked);
              if (file) load(file, event.target.checked);
            }}
          />
          <span>
            <span className="font-medium">Register cartridges not in the catalogue yet</span>
            <span className="block text-xs text-slate-500">Standard LTO labels only, marked in use</span>
          </span>
        </label>
      </section>

      {check.isPending && (
        <p role="status" className="text-sm text-slate-600">
          Checking {file?.name}…
        </p>
      )}
      {check.error && (
        <p role="alert" className="text-sm text-red-700">
          {errorMessage(check.error)}
        </p>
      )}

      {preview && !check.isPending && (
        <section className="card p-5" aria-labelledby="import-preview-title" data-testid="import-preview">
          <h2 id="import-preview-title" className="text-base font-semibold">
            {preview.rows.length} {preview.rows.length === 1 ? "row" : "rows"} in {file?.name}
          </h2>
          {preview.problems.map((problem) => (
            <p key={problem} role="alert" className="mt-2 text-sm text-red-700">
              {problem}
            </p>
          ))}
          {withProblems > 0 && (
            <p role="alert" className="mt-2 text-sm text-red-700" data-testid="import-problem-count">
              {withProblems} {withProblems === 1 ? "row has problems" : "rows have problems"}: fix the file and choose
              it again. Nothing is imported until every row is right.
            </p>
          )}
          {preview.rows.length > 0 && (
            <div className="mt-3 overflow-x-auto">
              <table className="w-full text-left text-sm" data-testid="import-rows">
                <thead className="text-xs text-slate-500 uppercase">
                  <tr>
                    {PREVIEW_COLUMNS.map((column) => (
                      <th key={column} scope="col" className="py-2 pr-3">
                        {column}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((row) => (
                    <tr key={row.line} className="border-t border-slate-100 align-top">
                      <td className="py-2 pr-3 tabular-nums">{row.line}</td>
                      <td className="py-2 pr-3">{row.job?.name ?? row.cells.name}</td>
                      <td className="py-2 pr-3 whitespace-nowrap">
                        {row.job ? formatCalendarDate(row.job.jobDate) : row.cells.jobDate}
                      </td>
                      <td className="py-2 pr-3">
                        {row.job ? `${row.job.retentionDays} days` : row.cells.retentionDays}
                      </td>
                      <td className="py-2 pr-3 font-mono text-xs">
                        {row.job?.barcodes.join(" ") ?? row.cells.barcodes}
                      </td>
                      <td className="py-2">
                        {row.problems.length === 0 ? (
                          <span className="text-emerald-800">Ready</span>
                        ) : (
                          <ul className="list-disc pl-4 text-red-700">
                            {row.problems.map((problem) => (
                              <li key={problem}>{problem}</li>
                            ))}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {importing.error && (
            <p role="alert" className="mt-3 text-sm text-red-700">
              {errorMessage(importing.error)}
            </p>
          )}
          {done ? (
            <p role="status" className="mt-4 text-sm" data-testid="import-done">
              Imported: {done.created} new, {done.updated} updated, {done.unchanged} unchanged
              {done.registered.length > 0 && `; registered ${done.registered.join(", ")}`}.{" "}
              <Link href="/backup" className="font-medium text-brand-700 underline">
                Back to the overview
              </Link>
            </p>
          ) : (
            <div className="mt-4 flex justify-end">
              <button type="button" className="btn-primary" disabled={!ready || importing.isPending} onClick={submit}>
                {importing.isPending
                  ? "Importing…"
                  : `Import ${preview.rows.length} ${preview.rows.length === 1 ? "job" : "jobs"}`}
              </button>
            </div>
          )}
        </section>
      )}
    </div>
  );
}
