import { callerForRequest, routeErrorResponse } from "@/app/_trpc/request-caller";
import { auditRefSchema } from "@/lib/audits";
import { auditReportCsv, reportFilename } from "@/server/audits/report";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /backup/audits/<id>/report.csv: the inventory audit's cartridges as CSV, one row each with its
 * outcome and where the catalogue had it, for whoever may read the audit (read through `audits.get`).
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const ref = auditRefSchema.safeParse(await params);
  if (!ref.success) return Response.json({ error: "The audit was not found" }, { status: 404 });
  try {
    const caller = await callerForRequest(request);
    const audit = await caller.audits.get(ref.data);
    return new Response(auditReportCsv(audit), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${reportFilename(audit.number, "csv")}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return routeErrorResponse(error, "Inventory audit CSV report");
  }
}
