"use client";

import { useQuery } from "@tanstack/react-query";
import { errorMessage, useTRPC } from "@/app/_trpc/client";

const PROBLEM_TITLE = {
  changed: "An entry was changed",
  deleted: "Entries were deleted",
  inserted: "An entry was added",
} as const;

export function ChainCheck() {
  const trpc = useTRPC();
  // A check reads the whole log: run it when asked (and on opening the page), never in the background.
  const check = useQuery({
    ...trpc.audit.verifyChain.queryOptions(),
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const report = check.data;

  return (
    <section className="card mt-6 p-5" aria-live="polite" data-testid="chain-check">
      {check.isFetching ? (
        <p className="text-sm text-slate-600">Checking every entry of the audit log…</p>
      ) : check.isError ? (
        <p className="text-sm text-red-700" role="alert">
          The check could not run: {errorMessage(check.error)}
        </p>
      ) : report?.intact ? (
        <div>
          <p className="text-lg font-semibold text-emerald-800">Intact</p>
          <p className="mt-1 text-sm text-slate-700">
            {report.entries.toLocaleString("en-GB")} {report.entries === 1 ? "entry" : "entries"} checked; none was
            changed, deleted or added outside the app.
          </p>
          {report.entries > 0 && (
            <p className="mt-3 text-xs text-slate-600">
              Chain head #{report.head.seq}: <code className="break-all">{report.head.hash}</code>. Keep a copy of it
              elsewhere: a later check can then also prove that nothing before it was rewritten.
            </p>
          )}
        </div>
      ) : report ? (
        <div role="alert">
          <p className="text-lg font-semibold text-red-800">
            Not intact: {PROBLEM_TITLE[report.problem.kind].toLowerCase()}
          </p>
          <p className="mt-1 text-sm text-slate-700">{report.problem.message}</p>
          <p className="mt-1 text-sm text-slate-600">
            The {report.entries.toLocaleString("en-GB")} entries before it are intact. Restore the database from a
            backup taken before the change, or keep this one as evidence.
          </p>
        </div>
      ) : null}
      <button
        type="button"
        className="btn-secondary mt-4"
        onClick={() => void check.refetch()}
        disabled={check.isFetching}
      >
        Check again
      </button>
    </section>
  );
}
