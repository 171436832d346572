import type { IncomingMessage, ServerResponse } from "node:http";
import { TRPCError } from "@trpc/server";
import type { TRPCRequestInfo } from "@trpc/server/http";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { nodeHTTPRequestHandler } from "@trpc/server/adapters/node-http";
import { MAX_CALLS_PER_BATCH } from "../../lib/api";
import { MAX_BATCH } from "../../lib/sync/events";
import { MAX_SIGNATURE_CHARS } from "../../lib/tapes";
import { getAuth } from "../auth/auth";
import { viewerCache } from "../auth/viewer-cache";
import { getDb } from "../db";
import { reportInternalError } from "../errors";
import { appRouter } from "../root";
import { createContext } from "../trpc";
import { API_CONTENT_SECURITY_POLICY, CROSS_SITE_REFUSAL, isCrossSiteWrite } from "./security";

/**
 * The tRPC endpoint, mounted twice with the same behaviour: the app's own server (scripts/serve.ts)
 * answers it before Next.js, which would add several milliseconds of routing and proxying to every call,
 * and the Next.js route (app/api/trpc/[trpc]/route.ts) answers it under `next dev`.
 */
export const TRPC_ENDPOINT = "/api/trpc";

/** Room for any call's input but the few below: forms, filters, ids. */
export const SMALL_BODY_BYTES = 64 * 1024;

/**
 * The largest request the app sends is a phone's push of a full batch of custody hand-offs, each with a
 * signature image of the largest size accepted, and room for the rest of each event.
 */
export const MAX_BODY_BYTES = MAX_BATCH * (MAX_SIGNATURE_CHARS + 16_384);

/** The calls whose input may be bigger than SMALL_BODY_BYTES: they carry signature images. */
export const LARGE_BODY_PROCEDURES: Readonly<Record<string, number>> = {
  "sync.push": MAX_BODY_BYTES,
  "custody.record": MAX_SIGNATURE_CHARS + SMALL_BODY_BYTES,
};

/**
 * The body a request to these procedures (tRPC's comma-separated batch path) may have: room for the
 * largest of them and a small input for each other. A bigger body is refused (413) as it arrives, instead
 * of being held in memory whole.
 */
export function bodyLimit(path: string): number {
  const limits = path.split(",").map((procedure) => LARGE_BODY_PROCEDURES[procedure] ?? SMALL_BODY_BYTES);
  return Math.max(...limits) + (limits.length - 1) * SMALL_BODY_BYTES;
}

/** The request with a body that fails with 413 once it passes `limit` bytes. */
function limitBody(request: Request, limit: number): Request {
  if (!request.body) return request;
  let size = 0;
  const body = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > limit) controller.error(new TRPCError({ code: "PAYLOAD_TOO_LARGE" }));
        else controller.enqueue(chunk);
      },
    }),
  );
  return new Request(request, { body, duplex: "half" } as RequestInit & { duplex: "half" });
}

/**
 * Queries may take the viewer from a session checked in the last few seconds (see ViewerCache); a
 * mutation always checks the session in the database, so a user deactivated on another server process
 * cannot change anything from that moment on.
 */
async function endpointContext(headers: Headers, info: TRPCRequestInfo) {
  const viewers = info.type === "query" ? viewerCache() : undefined;
  return createContext({ db: getDb(), auth: await getAuth(), headers, viewers });
}

export function handleTrpcFetch(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname.slice(TRPC_ENDPOINT.length + 1);
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req: limitBody(request, bodyLimit(path)),
    router: appRouter,
    maxBatchSize: MAX_CALLS_PER_BATCH,
    createContext: ({ info }) => endpointContext(request.headers, info),
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

/**
 * The endpoint on the app's own server (./app-server.ts, which has set the security headers every
 * response gets and checked the Host), with the checks the proxy gives it under Next.js.
 */
export async function handleTrpcNode(request: IncomingMessage, response: ServerResponse, appUrl: string | undefined) {
  try {
    await answerTrpcNode(request, response, appUrl);
  } catch (error) {
    const { message } = reportInternalError(error, `tRPC ${request.url}`);
    if (!response.headersSent) response.writeHead(500, { "content-type": "application/json" });
    response.end(JSON.stringify({ message }));
  }
}

async function answerTrpcNode(request: IncomingMessage, response: ServerResponse, appUrl: string | undefined) {
  const headers = headersOf(request);
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
    maxBodySize: bodyLimit(path),
    maxBatchSize: MAX_CALLS_PER_BATCH,
    createContext: ({ info }) => endpointContext(headers, info),
  });
}
