import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { BACKUP_ENTITY_TYPES, type BackupEntityType } from "@/lib/audit";
import type { Auth } from "@/server/auth/auth";
import type { Db } from "@/server/db";
import { createCaller } from "@/server/root";
import { createContext } from "@/server/trpc";

export type AuditRouteParams = { entityType: string; id: string };

const isBackupEntityType = (value: string): value is BackupEntityType =>
  (BACKUP_ENTITY_TYPES as readonly string[]).includes(value);

function json(status: number, body: unknown): Response {
  // An audit trail is private to signed-in users and changes with every edit: never cache it.
  return Response.json(body, { status, headers: { "cache-control": "no-store" } });
}

function messageOf(error: TRPCError): string {
  if (error.cause instanceof z.ZodError) return error.cause.issues.map((issue) => issue.message).join("; ");
  return error.message;
}

/**
 * GET /backup/audit/<entityType>/<id>[?cursor=…&limit=…]: one page of an entity's history as JSON. It calls
 * the `audit.list` procedure with the request's own context, so sign-in and access are checked exactly as
 * for the app's tRPC calls; only the mapping to HTTP lives here.
 */
export async function auditTrailResponse(
  request: Request,
  { entityType, id: entityId }: AuditRouteParams,
  { db, auth }: { db: Db; auth: Auth },
): Promise<Response> {
  if (!isBackupEntityType(entityType)) {
    return json(404, {
      message: `There is no audit trail for "${entityType}"; use one of ${BACKUP_ENTITY_TYPES.join(", ")}`,
    });
  }
  const query = new URL(request.url).searchParams;
  const limit = query.get("limit");
  try {
    const caller = createCaller(await createContext({ db, auth, headers: request.headers }));
    const page = await caller.audit.list({
      entityType,
      entityId,
      cursor: query.get("cursor"),
      // Anything that is not a number becomes NaN, which the procedure refuses with its own message.
      limit: limit === null ? undefined : Number(limit),
    });
    return json(200, {
      entityType,
      entityId,
      items: page.items.map((item) => ({
        id: item.id,
        action: item.action,
        changes: item.changes,
        actor: item.actor,
        at: item.at.toISOString(),
      })),
      nextCursor: page.nextCursor,
    });
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    if (error.code === "INTERNAL_SERVER_ERROR") {
      console.error("Audit trail request failed:", error.cause ?? error);
      return json(500, { message: "Something went wrong on the server. Try again." });
    }
    return json(getHTTPStatusCodeFromError(error), { message: messageOf(error) });
  }
}
