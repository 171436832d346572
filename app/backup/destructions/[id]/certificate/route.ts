import { requestTimeZone } from "@/app/_components/viewer-time-zone";
import { callerForRequest, routeErrorResponse } from "@/app/_trpc/request-caller";
import { destructionRefSchema } from "@/lib/destruction";
import { certificateFilename, destructionCertificate } from "@/server/destruction/certificate";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /backup/destructions/<id>/certificate: the destruction's certificate of sanitization as a PDF
 * download, its moments in the viewer's time zone. It reads the destruction through `destruction.get` with
 * the request's own context, so whoever may read the destruction may download its certificate.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const ref = destructionRefSchema.safeParse(await params);
  // An id that cannot be one names no destruction, as an unknown one does.
  if (!ref.success) return Response.json({ error: "The destruction was not found" }, { status: 404 });
  try {
    const caller = await callerForRequest(request);
    const destruction = await caller.destruction.get(ref.data);
    const pdf = await destructionCertificate(destruction, requestTimeZone(request));
    return new Response(new Uint8Array(pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${certificateFilename(destruction.number)}"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return routeErrorResponse(error, "Certificate of sanitization");
  }
}
