"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useState } from "react";
import { useDebouncedValue } from "@/app/_client/use-debounced-value";
import { DataTable, FilterSelect, FilterText, useKeysetPages, type Column } from "@/app/_components/data-table";
import { Moment, useTimeZone } from "@/app/_components/time-zone";
import { useTRPC } from "@/app/_trpc/client";
import { AUDIT_ENTITY_TYPES, type AuditEntityType } from "@/lib/audit";
import type { AppRouter } from "@/server/root";
import { describeEntry } from "../../backup/_components/audit-format";

type Entry = inferRouterOutputs<AppRouter>["audit"]["log"]["items"][number];
const PAGE_SIZE = 25;

const ENTITY_LABEL: Record<AuditEntityType, string> = {
  tape: "Cartridge",
  job: "Backup job",
  location: "Location entry",
  custody: "Hand-off",
  sync_event: "Phone event",
  user: "User account",
  site: "Site",
  consignment: "Consignment",
  inventory_audit: "Inventory audit",
  destruction: "Destruction",
  setting: "Setting",
  api_token: "API token",
};
const ENTITY_OPTIONS = AUDIT_ENTITY_TYPES.map((type) => ({ value: type, label: ENTITY_LABEL[type] }));
const PAGE_OF: Partial<Record<AuditEntityType, string>> = {
  tape: "/backup/tapes",
  job: "/backup/jobs",
  site: "/manage/sites",
};

function Subject({ entry }: { entry: Entry }) {
  const name = entry.subject ?? entry.entityId;
  const page = PAGE_OF[entry.entityType];
  return (
    <>
      <span className="block text-xs text-slate-500">{ENTITY_LABEL[entry.entityType]}</span>
      {page && entry.action !== "delete" ? (
        <Link href={`${page}/${entry.entityId}`} className="font-medium text-brand-700 hover:underline">
          {name}
        </Link>
      ) : (
        <span className="font-medium">{name}</span>
      )}
    </>
  );
}

function Changes({ entry }: { entry: Entry }) {
  const zone = useTimeZone();
  const { summary, changes } = describeEntry(entry.entityType, entry, zone);
  return (
    <div className="[overflow-wrap:anywhere]">
      {summary && <p className="font-medium">{summary}</p>}
      {changes.map((change) => (
        <p key={change.field}>
          <span className="text-slate-600">{change.label}:</span> {change.from}
          <span aria-hidden="true"> → </span>
          <span className="sr-only"> changed to </span>
          {change.to}
        </p>
      ))}
    </div>
  );
}

const COLUMNS: Column<Entry>[] = [
  { key: "at", header: "When", className: "whitespace-nowrap", cell: (entry) => <Moment value={entry.at} /> },
  { key: "subject", header: "What", cell: (entry) => <Subject entry={entry} /> },
  { key: "changes", header: "Change", cell: (entry) => <Changes entry={entry} /> },
  { key: "actor", header: "Who", cell: (entry) => entry.actor.name },
];

type Filters = { entityType?: AuditEntityType; action: string; actor: string; from: string; to: string };

/** A datetime-local value is the browser's own wall time: the viewer's zone, as every moment is shown. */
const moment = (value: string) => (value ? new Date(value) : undefined);

function MomentFilter({ label, value, onChange }: { label: string; value: string; onChange: (value: string) => void }) {
  return (
    <label className="flex items-center gap-2 text-sm text-slate-600 lg:col-span-1">
      {label}
      <input type="datetime-local" className="input" value={value} onChange={(event) => onChange(event.target.value)} />
    </label>
  );
}

/** Every entry of the audit log, newest first, narrowed by what, which action, who and when. */
export function AuditLog() {
  const trpc = useTRPC();
  const [filters, setFilters] = useState<Filters>({ action: "", actor: "", from: "", to: "" });
  const action = useDebouncedValue(filters.action.trim(), 250);
  const actor = useDebouncedValue(filters.actor.trim(), 250);
  const input = {
    entityType: filters.entityType,
    action: action || undefined,
    actor: actor || undefined,
    from: moment(filters.from),
    to: moment(filters.to),
  };
  const paging = useKeysetPages(JSON.stringify(input));
  const query = useQuery({
    ...trpc.audit.log.queryOptions({ ...input, cursor: paging.cursor, limit: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const update = (next: Partial<Filters>) => setFilters((current) => ({ ...current, ...next }));

  const exportParams = new URLSearchParams();
  for (const [key, value] of Object.entries(input))
    if (value !== undefined) exportParams.set(key, value instanceof Date ? value.toISOString() : value);

  return (
    <DataTable
      title="Entries"
      noun="audit entries"
      testId="audit-log"
      pagesLabel="Audit log pages"
      columns={COLUMNS}
      query={query}
      paging={paging}
      actions={
        <a href={`/backup/export/audit?${exportParams}`} className="btn-secondary" download>
          Export CSV
        </a>
      }
      filters={
        <>
          <FilterSelect
            label="What"
            anyLabel="Anything"
            value={filters.entityType}
            options={ENTITY_OPTIONS}
            onChange={(entityType) => update({ entityType })}
          />
          <FilterText
            label="Action"
            placeholder="Action, e.g. update"
            value={filters.action}
            onChange={(action) => update({ action })}
          />
          <FilterText label="Who" value={filters.actor} onChange={(actor) => update({ actor })} />
          <MomentFilter label="From" value={filters.from} onChange={(from) => update({ from })} />
          <MomentFilter label="To" value={filters.to} onChange={(to) => update({ to })} />
        </>
      }
      empty="No entries match these filters."
      card={(entry) => (
        <div className="space-y-1 text-sm">
          <Subject entry={entry} />
          <Changes entry={entry} />
          <p className="text-xs text-slate-500">
            by {entry.actor.name} · <Moment value={entry.at} />
          </p>
        </div>
      )}
    />
  );
}
