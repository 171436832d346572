import "server-only";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { getAuth } from "@/server/auth/auth";
import { getDb } from "@/server/db";
import { createCaller } from "@/server/root";
import { createContext } from "@/server/trpc";

/** A tRPC caller for a route handler's request: the same session and access checks as /api/trpc. */
export async function callerForRequest(request: Request) {
  return createCaller(await createContext({ db: getDb(), auth: await getAuth(), headers: request.headers }));
}

/**
 * A route handler's failure as the status a tRPC call would have had and its message as JSON; anything
 * unexpected is logged with `what` failed and answered 500.
 */
export function routeErrorResponse(error: unknown, what: string) {
  const trpcError = error instanceof TRPCError ? error : new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: error });
  if (trpcError.code === "INTERNAL_SERVER_ERROR") console.error(`${what} failed:`, error);
  return Response.json({ error: trpcError.message }, { status: getHTTPStatusCodeFromError(trpcError) });
}
