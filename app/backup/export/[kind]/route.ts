import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import Papa from "papaparse";
import { callerForRequest } from "@/app/_trpc/request-caller";
import type { AppCaller as Caller } from "@/server/root";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** Each export's columns in order; the header names them even when nothing matches. */
const COLUMNS = {
  tapes: [
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
    "notes",
    "registered_at",
    "non_standard_label",
  ],
  jobs: [
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
} as const;

type Row = Record<string, string | number>;
const iso = (date: Date | null) => (date ? date.toISOString() : "");

/** Each export walks the same paginated procedure the tables use, so filters and access rules are the tables'. */
const EXPORTS = {
  async *tapes(caller: Caller, params: URLSearchParams): AsyncGenerator<Row[]> {
    const filters = Object.fromEntries(params);
    let cursor: string | undefined;
    do {
      const page = await caller.tapes.list({
        ...filters,
        generation: filters.generation ? Number(filters.generation) : undefined,
        cursor,
        limit: 200,
      } as Parameters<Caller["tapes"]["list"]>[0]);
      yield page.items.map((tape) => ({
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
        notes: tape.notes ?? "",
        registered_at: iso(tape.createdAt),
        non_standard_label: String(tape.nonStandardLabel),
      }));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  },
  async *jobs(caller: Caller, params: URLSearchParams): AsyncGenerator<Row[]> {
    const filters = Object.fromEntries(params);
    let cursor: string | undefined;
    do {
      const page = await caller.jobs.list({ ...filters, cursor, limit: 100 } as Parameters<Caller["jobs"]["list"]>[0]);
      yield page.items.map((job) => ({
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
      }));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  },
};

function errorResponse(error: unknown) {
  const trpcError = error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
  if (trpcError.code === "INTERNAL_SERVER_ERROR") console.error("CSV export failed:", error);
  return Response.json({ error: trpcError.message }, { status: getHTTPStatusCodeFromError(trpcError) });
}

export async function GET(request: Request, { params }: { params: Promise<{ kind: string }> }) {
  const { kind } = await params;
  if (kind !== "tapes" && kind !== "jobs")
    return Response.json({ error: `Nothing to export called "${kind}"` }, { status: 404 });
  const pages = EXPORTS[kind](await callerForRequest(request), new URL(request.url).searchParams);

  // The first page is read before answering, so a bad filter or missing access is a proper error status.
  let first: IteratorResult<Row[]>;
  try {
    first = await pages.next();
  } catch (error) {
    return errorResponse(error);
  }
  const encoder = new TextEncoder();
  const fields = [...COLUMNS[kind]];
  let header = true;
  const chunk = (rows: Row[]) => {
    // Papa writes no header without rows, but an empty export should still name its columns.
    const text =
      rows.length > 0
        ? Papa.unparse({ fields, data: rows }, { header, newline: "\r\n" })
        : Papa.unparse([fields], { newline: "\r\n" });
    header = false;
    return encoder.encode(text + "\r\n");
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(chunk(first.done ? [] : first.value));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done) controller.close();
      else if (next.value.length > 0) controller.enqueue(chunk(next.value));
    },
  });
  const date = new Date().toISOString().slice(0, 10);
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="backup-monitor-${kind}-${date}.csv"`,
      "cache-control": "no-store",
    },
  });
}
