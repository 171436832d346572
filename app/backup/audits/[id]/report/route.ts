import { requestTimeZone } from "@/app/_components/viewer-time-zone";
import { callerForRequest, routeErrorResponse } from "@/app/_trpc/request-caller";
import { auditRefSchema } from "@/lib/audits";
import { auditReportPdf, reportFilename } from "@/server/audits/report";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /backup/audits/<id>/report: the inventory audit's report as a PDF download, its moments in the
 * viewer's time zone. It reads the audit through `audits.get` with the request's own context, so whoever
 * may read the audit may download its report.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const ref = auditRefSchema.safeParse(await params);
  // An id that cannot be one names no audit, as an unknown one does.
  if (!ref.success) return Response.json({ error: "The audit was not found" }, { status: 404 });
  try {
    const caller = await callerForRequest(request);
    const audit = await caller.audits.get(ref.data);
    const pdf = await auditReportPdf(audit, requestTimeZone(request));
    return new Response(new Uint8Array(pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${reportFilename(audit.number, "pdf")}"`,
        // An open audit's report changes with every scan, and it is private to signed-in users.
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return routeErrorResponse(error, "Inventory audit report");
  }
}
