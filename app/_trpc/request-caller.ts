import "server-only";
import { getAuth } from "@/server/auth/auth";
import { getDb } from "@/server/db";
import { createCaller } from "@/server/root";
import { createContext } from "@/server/trpc";

/** A tRPC caller for a route handler's request: the same session and access checks as /api/trpc. */
export async function callerForRequest(request: Request) {
  return createCaller(await createContext({ db: getDb(), auth: await getAuth(), headers: request.headers }));
}
