import { getAuth } from "@/server/auth/auth";
import { getDb } from "@/server/db";
import { auditTrailResponse, type AuditRouteParams } from "./handler";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<AuditRouteParams> }) {
  return auditTrailResponse(request, await params, { db: getDb(), auth: await getAuth() });
}
