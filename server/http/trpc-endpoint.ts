import type { IncomingMessage, ServerResponse } from "node:http";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { MAX_BATCH } from "../../lib/sync/events";
import { MAX_SIGNATURE_CHARS } from "../../lib/tapes";
import { getAuth } from "../auth/auth";
import { viewerCache } from "../auth/viewer-cache";
import { getDb } from "../db";
import { appRouter } from "../root";
import { createContext } from "../trpc";
import { API_CONTENT_SECURITY_POLICY, CROSS_SITE_REFUSAL, isCrossSiteWrite, securityHeaders } from "./security";

/**
 * The tRPC endpoint, mounted twice with the same behaviour: the app's own server (scripts/serve.ts)
 * answers it before Next.js, which would add several milliseconds of routing and proxying to every call,
 * and the Next.js route (app/api/trpc/[trpc]/route.ts) answers it under `next dev`.
 */
export const TRPC_ENDPOINT = "/api/trpc";

/**
 * The largest request the app sends is a phone's push of a full batch of custody hand-offs, each with a
 * signature image of the largest size accepted, and room for the rest of each event. A bigger body is
 * refused (413) as it arrives instead of being held in memory whole.
 */
export const MAX_BODY_BYTES = MAX_BATCH * (MAX_SIGNATURE_CHARS + 16_384);

/**
 * Queries may take the viewer from a session checked in the last few seconds (see ViewerCache); a
 * mutation always checks the session in the database, so a user deactivated on another server process
 * cannot change anything from that moment on.
 */
async function endpointContext(headers: Headers, info: TRPCRequestInfo) {
  const viewers = info.type === "query" ? viewerCache() : undefined;
  return createContext({ db: getDb(), auth: await getAuth(), headers, viewers });
}

function logInternalError({ error, path }: { error: { code: string; cause?: unknown }; path?: string }) {
  if (error.code === "INTERNAL_SERVER_ERROR") console.error(`tRPC ${path ?? "?"} failed:`, error.cause ?? error);
}

export function handleTrpcFetch(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: request,
    router: appRouter,
    createContext: ({ info }) => endpointContext(request.headers, info),
    onError: logInternalError,
  });
}

export function isTrpcRequest(url: string | undefined): boolean {
  return url?.startsWith(`${TRPC_ENDPOINT}/`) ?? false;
}

function headersOf(request: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, item);
  }
  return headers;
}

/** The endpoint on a plain Node.js server, with the checks and headers the proxy gives it under Next.js. */
export async function handleTrpcNode(request: IncomingMessage, response: ServerResponse, appUrl: string | undefined) {
  const headers = headersOf(request);
  for (const [name, value] of Object.entries(securityHeaders({ https: appUrl?.startsWith("https://") ?? false }))) {
    response.setHeader(name, value);
  }
  response.setHeader("Content-Security-Policy", API_CONTENT_SECURITY_POLICY);

  const url = `http://${headers.get("host") ?? "localhost"}${request.url ?? "/"}`;
  if (isCrossSiteWrite({ method: request.method ?? "GET", url, headers }, appUrl)) {
    response
      .writeHead(403, { "content-type": "application/json" })
      .end(JSON.stringify({ message: CROSS_SITE_REFUSAL }));
    return;
  }

  const path = new URL(url).pathname.slice(TRPC_ENDPOINT.length + 1);
  await nodeHTTPRequestHandler({
    req: request,
    res: response,
    path,
    router: appRouter,
    maxBodySize: MAX_BODY_BYTES,
    createContext: ({ info }) => endpointContext(headers, info),
    onError: logInternalError,
  });
}
