import { handleApiRequest } from "@/server/api/handler";
import { getDb } from "@/server/db";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** The REST API for backup software (server/api/): bearer tokens only, never the session cookie. */
const serve = (request: Request) => handleApiRequest(request, { db: getDb() });

export { serve as GET, serve as POST, serve as PUT, serve as PATCH, serve as DELETE };
