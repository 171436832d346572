import { AUDIT_PAGE_MAX } from "@/lib/audit";
import type { CsvRow } from "@/lib/csv";
import { toDateInput } from "@/lib/dates";
import type { RotationList } from "@/lib/rotation";
import type { AppCaller as Caller } from "@/server/root";

export type Row = CsvRow;
type Page<T> = { items: T[]; nextCursor: string | null };
type Input<P extends (input: never) => unknown> = Parameters<P>[0];

const iso = (date: Date | null) => (date ? date.toISOString() : "");
/** A calendar date (stored at UTC midnight) as the day it is, YYYY-MM-DD. */
const calendarDay = (date: Date | null) => (date ? toDateInput(date) : "");

/** Every page of a keyset-paged procedure, following its cursor to the end. */
async function* pagesOf<T>(read: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

async function* paged<T>(read: (cursor: string | undefined) => Promise<Page<T>>, toRow: (item: T) => Row) {
  for await (const items of pagesOf(read)) yield items.map(toRow);
}

async function* once(rows: Row[]) {
  yield rows;
}

type LocationEntry = Awaited<ReturnType<Caller["tapes"]["get"]>>["locations"][number];
type CustodyEvent = Omit<Awaited<ReturnType<Caller["tapes"]["get"]>>["custodyEvents"][number], "signature">;
type AuditEntry = Awaited<ReturnType<Caller["audit"]["list"]>>["items"][number];

const locationFields = (entry: LocationEntry) => ({
  kind: entry.kind,
  site: entry.site ?? "",
  shelf: entry.shelf ?? "",
  locker: entry.locker ?? "",
  slot: entry.slot ?? "",
  custodian: entry.custodian ?? "",
  service_provider: entry.serviceProvider ?? "",
  current: entry.isCurrent ? "yes" : "no",
});

const custodyFields = (event: CustodyEvent, signed: boolean) => ({
  from: event.fromParty,
  to: event.toParty,
  signer: event.signerName,
  signed: signed ? "yes" : "no",
  container: event.containerId ?? "",
  seal: event.sealNumber ?? "",
  notes: event.notes ?? "",
});

const recordedFields = (event: {
  occurredAt: Date;
  recordedByName: string;
  recordedAt: Date;
  deviceId: string | null;
}) => ({
  occurred_at: iso(event.occurredAt),
  recorded_by: event.recordedByName,
  recorded_at: iso(event.recordedAt),
  device_id: event.deviceId ?? "",
});

const LOCATION_COLUMNS = ["kind", "site", "shelf", "locker", "slot", "custodian", "service_provider", "current"];
const CUSTODY_COLUMNS = ["from", "to", "signer", "signed", "container", "seal", "notes"];
const RECORDED_COLUMNS = ["occurred_at", "recorded_by", "recorded_at", "device_id"];

/** A rotation list as the full list's table shows it; `?overdue=1` keeps the overdue rows only. */
function rotationExport(list: RotationList, name: string): Export {
  return {
    columns: ["barcode", "status", "site", "next_move", "overdue", "data_expires_at", "recall_needed_by"],
    async open(caller, params) {
      const overdue = params.get("overdue") === "1" || undefined;
      return {
        name,
        pages: paged(
          (cursor) => caller.rotation.list({ list, overdue, cursor, limit: 200 }),
          (tape) => ({
            barcode: tape.barcode,
            status: tape.status,
            site: tape.site ?? "",
            next_move: calendarDay(tape.nextMove),
            overdue: tape.overdue ? "yes" : "no",
            data_expires_at: iso(tape.dataExpiresAt),
            recall_needed_by: calendarDay(tape.recallNeededBy),
          }),
        ),
      };
    },
  };
}

export type Export = {
  /** The columns in order; the header names them even when nothing matches. */
  columns: readonly string[];
  /** The file's name without date and extension, and its rows a page at a time. */
  open(caller: Caller, params: URLSearchParams): Promise<{ name: string; pages: AsyncGenerator<Row[]> }>;
};

/** Each export walks the same procedures the screens use, so filters and access rules are the screens'. */
export const EXPORTS: Record<string, Export> = {
  tapes: {
    columns: [
      "barcode",
      "media_id",
      "generation",
      "media_type",
      "native_capacity_bytes",
      "status",
      "tags",
      "location",
      "site",
      "data_expires_at",
      "next_move",
      "notes",
      "registered_at",
      "non_standard_label",
    ],
    async open(caller, params) {
      const filters = Object.fromEntries(params);
      const input = {
        ...filters,
        generation: filters.generation ? Number(filters.generation) : undefined,
        dataExpiresWithin: filters.dataExpiresWithin ? Number(filters.dataExpiresWithin) : undefined,
      } as Input<Caller["tapes"]["list"]>;
      return {
        name: "tapes",
        pages: paged(
          (cursor) => caller.tapes.list({ ...input, cursor, limit: 200 }),
          (tape) => ({
            barcode: tape.barcode,
            media_id: tape.mediaId,
            generation: tape.generation ?? "",
            media_type: tape.mediaType,
            native_capacity_bytes: tape.nativeCapacityBytes?.toString() ?? "",
            status: tape.status,
            tags: tape.tags.join(";"),
            location: tape.currentLocation?.kind ?? "",
            site: tape.currentLocation?.site ?? "",
            data_expires_at: iso(tape.expiresAt),
            next_move: calendarDay(tape.nextMove),
            notes: tape.notes ?? "",
            registered_at: iso(tape.createdAt),
            non_standard_label: String(tape.nonStandardLabel),
          }),
        ),
      };
    },
  },
  jobs: {
    columns: [
      "name",
      "job_date",
      "retention_days",
      "expires_at",
      "total_files",
      "total_bytes",
      "verification",
      "source_system",
      "technician",
      "tapes",
      "notes",
    ],
    async open(caller, params) {
      const input = Object.fromEntries(params) as Input<Caller["jobs"]["list"]>;
      return {
        name: "jobs",
        pages: paged(
          (cursor) => caller.jobs.list({ ...input, cursor, limit: 100 }),
          (job) => ({
            name: job.name,
            job_date: iso(job.jobDate),
            retention_days: job.retentionDays,
            expires_at: iso(job.expiresAt),
            total_files: job.totalFiles.toString(),
            total_bytes: job.totalBytes.toString(),
            verification: job.verification,
            source_system: job.sourceSystem ?? "",
            technician: job.technician ?? "",
            tapes: job.tapeCount,
            notes: job.notes ?? "",
          }),
        ),
      };
    },
  },
  locations: {
    columns: ["barcode", ...LOCATION_COLUMNS, ...RECORDED_COLUMNS],
    async open(caller, params) {
      const tapeId = params.get("tape") ?? undefined;
      return {
        name: "locations",
        pages: paged(
          (cursor) => caller.audit.locations({ tapeId, cursor, limit: 200 }),
          (entry) => ({ barcode: entry.tape.barcode, ...locationFields(entry), ...recordedFields(entry) }),
        ),
      };
    },
  },
  custody: {
    columns: ["barcode", ...CUSTODY_COLUMNS, ...RECORDED_COLUMNS],
    async open(caller, params) {
      const tapeId = params.get("tape") ?? undefined;
      return {
        name: "custody",
        pages: paged(
          (cursor) => caller.audit.custody({ tapeId, cursor, limit: 200 }),
          (event) => ({ barcode: event.tape.barcode, ...custodyFields(event, event.signed), ...recordedFields(event) }),
        ),
      };
    },
  },
  audit: {
    columns: ["at", "entity_type", "entity_id", "subject", "action", "actor", "actor_id", "changes"],
    async open(caller, params) {
      const filters = Object.fromEntries(params) as Input<Caller["audit"]["log"]>;
      return {
        name: "audit-log",
        pages: paged(
          (cursor) => caller.audit.log({ ...filters, cursor, limit: 100 }),
          (entry) => ({
            at: iso(entry.at),
            entity_type: entry.entityType,
            entity_id: entry.entityId,
            subject: entry.subject ?? "",
            action: entry.action,
            actor: entry.actor.name,
            actor_id: entry.actor.id ?? "",
            changes: JSON.stringify(entry.changes),
          }),
        ),
      };
    },
  },
  "to-send": rotationExport("send", "to-send-off-site"),
  "to-bring-back": rotationExport("bring_back", "to-bring-back"),
  /** One cartridge's whole history, to keep before it is deleted: its locations, hand-offs and changes. */
  history: {
    columns: [
      "record",
      "at",
      "by",
      ...LOCATION_COLUMNS,
      ...CUSTODY_COLUMNS,
      "recorded_at",
      "device_id",
      "action",
      "changes",
    ],
    async open(caller, params) {
      const tape = await caller.tapes.get({ id: params.get("tape") ?? "" });
      const changes: AuditEntry[] = [];
      for await (const items of pagesOf((cursor) =>
        caller.audit.list({ entityType: "tape", entityId: tape.id, cursor, limit: AUDIT_PAGE_MAX }),
      ))
        changes.push(...items);
      const events = (event: LocationEntry | CustodyEvent) => ({
        at: iso(event.occurredAt),
        by: event.recordedByName,
        recorded_at: iso(event.recordedAt),
        device_id: event.deviceId ?? "",
      });
      const rows: Row[] = [
        ...tape.locations.map((entry) => ({ record: "location", ...events(entry), ...locationFields(entry) })),
        ...tape.custodyEvents.map((event) => ({
          record: "custody",
          ...events(event),
          ...custodyFields(event, event.signature !== null),
        })),
        ...changes.map((entry) => ({
          record: "change",
          at: iso(entry.at),
          by: entry.actor.name,
          action: entry.action,
          changes: JSON.stringify(entry.changes),
        })),
      ].sort((a, b) => String(a.at).localeCompare(String(b.at)));
      return { name: `history-${tape.barcode}`, pages: once(rows) };
    },
  },
};
