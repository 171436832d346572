import { z } from "zod";
import type { Db } from "../db";
import { checkApiToken } from "../integrations/tokens";
import { ApiError, errorResponse, invalidInput } from "./errors";
import { buildOpenApiDocument } from "./openapi";
import { API_ROUTES, type ApiRoute } from "./routes";

export const API_BASE = "/api/v1";
const MAX_BODY_BYTES = 1_000_000;

type Match = { route: ApiRoute; params: Record<string, string> };

const templates = API_ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`),
}));

/** The route a method and path name; 404 for no such path, 405 for a path that takes other methods. */
function match(method: string, path: string): Match {
  const candidates = templates.flatMap(({ route, pattern }) => {
    const found = pattern.exec(path);
    return found ? [{ route, params: found.groups ?? {} }] : [];
  });
  const matched = candidates.find(({ route }) => route.method === method);
  if (matched) {
    // Decoded only here, so an encoded slash stays inside its segment.
    const params = Object.fromEntries(
      Object.entries(matched.params).map(([key, value]) => [key, decodeSegment(value)]),
    );
    return { route: matched.route, params };
  }
  if (candidates.length > 0) {
    const allowed = candidates.map(({ route }) => route.method).join(", ");
    throw new ApiError(
      405,
      "method_not_allowed",
      `${method} is not served here; this path takes ${allowed}`,
      undefined,
      {
        allow: allowed,
      },
    );
  }
  throw new ApiError(404, "not_found", `There is no endpoint ${API_BASE}${path}: see ${API_BASE}/openapi.json`);
}

function decodeSegment(value: string) {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new ApiError(400, "invalid_input", "The path holds a malformed percent-encoding");
  }
}

/** The bearer token of a request; cookies are never read, so a browser's session cannot act here. */
function bearerToken(request: Request): string {
  const header = request.headers.get("authorization");
  const token = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!token) {
    throw new ApiError(
      401,
      "unauthorized",
      "Send an API token as `Authorization: Bearer <token>` (an administrator creates one under Manage → Integrations)",
      undefined,
      { "www-authenticate": "Bearer" },
    );
  }
  return token;
}

async function jsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json");
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new ApiError(
      413,
      "payload_too_large",
      `The body must be at most ${MAX_BODY_BYTES.toLocaleString("en")} bytes`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON");
  }
}

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.output<S> | undefined {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, where);
  return result.data;
}

/**
 * Answers a request under /api/v1: the OpenAPI document to anyone, everything else to a valid token with
 * the route's scope. Every refusal is a JSON error of one shape; nothing is written unless the whole
 * request is valid.
 */
export async function handleApiRequest(request: Request, { db }: { db: Db }): Promise<Response> {
  try {
    const url = new URL(request.url);
    if (!url.pathname.startsWith(API_BASE)) throw new ApiError(404, "not_found", "Not an API path");
    const path = url.pathname.slice(API_BASE.length) || "/";
    if (path === "/openapi.json" && request.method === "GET") {
      return Response.json(buildOpenApiDocument(url.origin), { headers: { "cache-control": "no-store" } });
    }
    const { route, params } = match(request.method, path);
    const token = bearerToken(request);
    const check = await checkApiToken(db, token);
    if (!check.ok) {
      throw check.status === 429
        ? new ApiError(429, "rate_limited", check.message, undefined, {
            "retry-after": String(check.retryAfterSeconds),
          })
        : new ApiError(401, "unauthorized", check.message, undefined, { "www-authenticate": "Bearer" });
    }
    const { integration } = check;
    if (!integration.scopes.includes(route.scope)) {
      throw new ApiError(403, "forbidden", `This token may not do this: it needs the scope ${route.scope}`);
    }
    const call = {
      db,
      integration,
      params: parse(route.params, params, "path"),
      query: parse(route.query, Object.fromEntries(url.searchParams), "query"),
      body: route.body ? parse(route.body, await jsonBody(request), "body") : undefined,
    };
    const { status, body } = await route.handle(call);
    return Response.json(body, { status, headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
