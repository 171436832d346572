import { requestTimeZone } from "@/app/_components/viewer-time-zone";
import { callerForRequest, routeErrorResponse } from "@/app/_trpc/request-caller";
import { consignmentRefSchema } from "@/lib/consignments";
import { consignmentManifest, manifestFilename } from "@/server/consignments/manifest";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * GET /backup/consignments/<id>/manifest: the consignment's manifest as a PDF download, its moments in the
 * viewer's time zone. It reads the consignment through `consignments.get` with the request's own context,
 * so whoever may read the consignment may download its manifest.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const ref = consignmentRefSchema.safeParse(await params);
  // An id that cannot be one names no consignment, as an unknown one does.
  if (!ref.success) return Response.json({ error: "The consignment was not found" }, { status: 404 });
  try {
    const caller = await callerForRequest(request);
    const consignment = await caller.consignments.get(ref.data);
    const pdf = await consignmentManifest(consignment, requestTimeZone(request));
    return new Response(new Uint8Array(pdf), {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${manifestFilename(consignment.number)}"`,
        // A manifest changes with every step and is private to signed-in users.
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return routeErrorResponse(error, "Consignment manifest");
  }
}
