"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useId, useState, type ReactNode } from "react";
import { Moment, useTimeZone } from "@/app/_components/time-zone";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import type { AuditEntityType } from "@/lib/audit";
import { describeEntry } from "./audit-format";

const PAGE_SIZE = 20;

type Kind = "location" | "custody" | "change";
const KIND_LABEL: Record<Kind, string> = { location: "Location", custody: "Hand-off", change: "Change" };
const SHOW_LABEL: Record<Kind, string> = { location: "Locations", custody: "Hand-offs", change: "Changes" };

/** Something that happened to the entity besides its audited changes: a location entry, a hand-off. */
export type TimelineEvent = {
  id: string;
  kind: Exclude<Kind, "change">;
  at: Date;
  /** Who recorded it. */
  by: string;
  content: ReactNode;
  testId?: string;
};

type Item = { id: string; kind: Kind; at: Date; by: string; content: ReactNode; testId?: string };

function ChangeContent({ summary, changes }: ReturnType<typeof describeEntry>) {
  return (
    <>
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
    </>
  );
}

/**
 * The one history of an entity, newest first: its audited changes (read a page at a time) merged by time
 * with the events the page already holds, such as a cartridge's location entries and hand-offs.
 */
export function Timeline({
  entityType,
  entityId,
  events = [],
  exportHref,
}: {
  entityType: AuditEntityType;
  entityId: string;
  events?: TimelineEvent[];
  /** A CSV of the whole history, when there is one. */
  exportHref?: string;
}) {
  const trpc = useTRPC();
  const zone = useTimeZone();
  const headingId = useId();
  const [show, setShow] = useState<Kind | "all">("all");
  const history = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { entityType, entityId, limit: PAGE_SIZE },
      // Edits happen on other pages; coming back must show them, not a copy cached moments before.
      { getNextPageParam: (page) => page.nextCursor, staleTime: 0 },
    ),
  );
  const changes: Item[] = (history.data?.pages.flatMap((page) => page.items) ?? []).map((entry) => ({
    id: `change-${entry.id}`,
    kind: "change",
    at: entry.at,
    by: entry.actor.name,
    content: <ChangeContent {...describeEntry(entityType, entry, zone)} />,
  }));
  const items = [...events, ...changes]
    .filter((item) => show === "all" || item.kind === show)
    .sort((a, b) => b.at.getTime() - a.at.getTime());
  const kinds = [...new Set<Kind>([...events.map((event) => event.kind), "change"])];

  return (
    <section aria-labelledby={headingId} className="card p-4 sm:p-5" data-testid="audit-trail">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={headingId} className="text-lg font-semibold">
          History
        </h2>
        <div className="flex flex-wrap items-center gap-2">
          {kinds.length > 1 && (
            <label className="flex items-center gap-2 text-sm text-slate-600">
              Show
              <select
                className="input w-auto py-1"
                value={show}
                onChange={(event) => setShow(event.target.value as Kind | "all")}
              >
                <option value="all">Everything</option>
                {kinds.map((kind) => (
                  <option key={kind} value={kind}>
                    {SHOW_LABEL[kind]}
                  </option>
                ))}
              </select>
            </label>
          )}
          {exportHref && (
            <a href={exportHref} className="btn-secondary" download>
              Download history (CSV)
            </a>
          )}
        </div>
      </div>

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
          <span>The changes could not be loaded: {errorMessage(history.error)}</span>
          <button type="button" className="btn-secondary" onClick={() => void history.refetch()}>
            Try again
          </button>
        </div>
      )}

      {!history.isPending && items.length === 0 && (
        <p className="mt-3 text-sm text-slate-600">No changes recorded yet</p>
      )}

      {items.length > 0 && (
        <ol className="mt-3 divide-y divide-slate-200 text-sm">
          {items.map((item) => (
            <li
              key={item.id}
              data-testid={item.testId}
              className="gap-4 py-2.5 [overflow-wrap:anywhere] sm:flex sm:items-baseline sm:justify-between"
            >
              <div className="min-w-0">
                <p className="text-xs font-medium uppercase tracking-wide text-slate-500">{KIND_LABEL[item.kind]}</p>
                {item.content}
              </div>
              <p className="mt-0.5 shrink-0 text-xs text-slate-500 sm:mt-0">
                by {item.by} · <Moment value={item.at} />
              </p>
            </li>
          ))}
        </ol>
      )}

      {history.isFetchNextPageError && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          Older changes could not be loaded: {errorMessage(history.error)}
        </p>
      )}

      {history.hasNextPage && (
        <button
          type="button"
          className="btn-secondary mt-3 w-full sm:w-auto"
          onClick={() => void history.fetchNextPage()}
          disabled={history.isFetchingNextPage}
        >
          {history.isFetchingNextPage ? "Loading…" : "Show older changes"}
        </button>
      )}
    </section>
  );
}
