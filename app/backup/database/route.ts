import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { getAuth } from "@/server/auth/auth";
import { getDb } from "@/server/db";
import { backupRunningDatabase, hasBackupToken, timestamp } from "@/server/db/backup";
import { env } from "@/server/env";
import { DomainError } from "@/server/errors";
import { capabilityProcedure, createCallerFactory, createContext, router } from "@/server/trpc";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/**
 * A consistent backup of the running embedded database, for administrators (Manage → Backup) and for
 * `npm run db:backup` on the server's own machine, which presents the token beside the data directory.
 */
/** Those who may administer the system, by the same check as every procedure (UNAUTHORIZED or FORBIDDEN). */
const administerCheck = createCallerFactory(
  router({ allowed: capabilityProcedure("system.administer").query(() => true) }),
);

export async function GET(request: Request) {
  const location = env().DATABASE_URL;
  const byToken = location.kind === "pglite" && hasBackupToken(location.dataDir, request.headers.get("authorization"));
  try {
    if (!byToken) {
      const db = getDb();
      await administerCheck(await createContext({ db, auth: await getAuth(), headers: request.headers })).allowed();
    }
    const bytes = await backupRunningDatabase(getDb());
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": "application/gzip",
        "content-disposition": `attachment; filename="backup-monitor-${timestamp()}.tar.gz"`,
        "content-length": String(bytes.length),
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    const trpcError =
      error instanceof TRPCError
        ? error
        : error instanceof DomainError
          ? new TRPCError({ code: error.code, message: error.message })
          : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "The backup could not be taken", cause: error });
    if (trpcError.code === "INTERNAL_SERVER_ERROR") console.error("Backup failed:", error);
    return Response.json({ error: trpcError.message }, { status: getHTTPStatusCodeFromError(trpcError) });
  }
}
