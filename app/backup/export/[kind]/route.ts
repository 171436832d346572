import { callerForRequest, routeErrorResponse } from "@/app/_trpc/request-caller";
import { toCsv } from "@/lib/csv";
import { EXPORTS, type Row } from "./exports";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ kind: string }> }) {
  const { kind } = await params;
  const definition = Object.hasOwn(EXPORTS, kind) ? EXPORTS[kind] : undefined;
  if (!definition) return Response.json({ error: `Nothing to export called "${kind}"` }, { status: 404 });

  // The first page is read before answering, so a bad filter or missing access is a proper error status.
  let name: string;
  let pages: AsyncGenerator<Row[]>;
  let first: IteratorResult<Row[]>;
  try {
    ({ name, pages } = await definition.open(await callerForRequest(request), new URL(request.url).searchParams));
    first = await pages.next();
  } catch (error) {
    return routeErrorResponse(error, "CSV export");
  }
  const encoder = new TextEncoder();
  const fields = [...definition.columns];
  let header = true;
  const chunk = (rows: Row[]) => {
    const text = toCsv(fields, rows, header);
    header = false;
    return encoder.encode(text);
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
      "content-disposition": `attachment; filename="backup-monitor-${name}-${date}.csv"`,
      "cache-control": "no-store",
    },
  });
}
