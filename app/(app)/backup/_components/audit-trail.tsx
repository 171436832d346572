"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useId, useState } from "react";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import type { AuditEntityType } from "@/lib/audit";
import { absoluteTime, describeEntry, relativeTime } from "./audit-format";

const PAGE_SIZE = 20;

/** The current time, refreshed every minute so "just now" does not stay "just now". */
function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** The recorded history of one entity, newest first, a page at a time. */
export function AuditTrail({ entityType, entityId }: { entityType: AuditEntityType; entityId: string }) {
  const trpc = useTRPC();
  const headingId = useId();
  const now = useNow();
  const history = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { entityType, entityId, limit: PAGE_SIZE },
      // Edits happen on other pages; coming back must show them, not a copy cached moments before.
      { getNextPageParam: (page) => page.nextCursor, staleTime: 0 },
    ),
  );
  const entries = history.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <section aria-labelledby={headingId} className="card p-4 sm:p-5" data-testid="audit-trail">
      <h2 id={headingId} className="text-lg font-semibold">
        History
      </h2>

      {history.isPending && (
        <p role="status" className="mt-3 text-sm text-slate-500">
          Loading history…
        </p>
      )}

      {history.isError && !history.data && (
        <div
          role="alert"
          className="mt-3 flex flex-wrap items-center gap-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          <span>The history could not be loaded: {errorMessage(history.error)}</span>
          <button type="button" className="btn-secondary" onClick={() => void history.refetch()}>
            Try again
          </button>
        </div>
      )}

      {history.isSuccess && entries.length === 0 && (
        <p className="mt-3 text-sm text-slate-600">No changes recorded yet</p>
      )}

      {entries.length > 0 && (
        <ol className="mt-3 divide-y divide-slate-200 text-sm">
          {entries.map((entry) => {
            const { summary, changes } = describeEntry(entityType, entry);
            return (
              <li
                key={entry.id}
                className="gap-4 py-2.5 [overflow-wrap:anywhere] sm:flex sm:items-baseline sm:justify-between"
              >
                <div className="min-w-0">
                  {summary && <p className="font-medium text-slate-900">{summary}</p>}
                  {changes.length > 0 && (
                    <ul className="space-y-0.5">
                      {changes.map((change) => (
                        <li key={change.field}>
                          <span className="text-slate-600">{change.label}:</span> {change.from}
                          <span aria-hidden="true"> → </span>
                          <span className="sr-only"> changed to </span>
                          <span className="font-medium text-slate-900">{change.to}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </div>
                <p className="mt-0.5 shrink-0 text-xs text-slate-500 sm:mt-0">
                  by {entry.actor.name} ·{" "}
                  <time dateTime={entry.at.toISOString()} title={absoluteTime(entry.at)}>
                    {relativeTime(entry.at, now)}
                  </time>
                </p>
              </li>
            );
          })}
        </ol>
      )}

      {history.isFetchNextPageError && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          Older entries could not be loaded: {errorMessage(history.error)}
        </p>
      )}

      {history.hasNextPage && (
        <button
          type="button"
          className="btn-secondary mt-3 w-full sm:w-auto"
          onClick={() => void history.fetchNextPage()}
          disabled={history.isFetchingNextPage}
        >
          {history.isFetchingNextPage ? "Loading…" : "Show older"}
        </button>
      )}
    </section>
  );
}
