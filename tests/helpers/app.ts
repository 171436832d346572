import { getTRPCErrorShape, TRPCError } from "@trpc/server";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { afterAll, beforeAll } from "vitest";
import { verifyAuditChain } from "../../server/audit/chain";
import { createAuth, type Auth } from "../../server/auth/auth";
import type { Db } from "../../server/db";
import { CLIENT_ADDRESS_HEADER, isLoopback, SAME_MACHINE_HEADER } from "../../server/http/client-address";
import { appRouter } from "../../server/root";
import { createCallerFactory, createContext } from "../../server/trpc";
import { createTestUser } from "../factories/users";
import { createTestDb, type TestDb } from "./test-db";

export const TEST_AUTH_SECRET = "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
export const BASE_URL = "http://localhost:3000";
/** The app's own server always sets the client's address (server/http/client-address.ts); these stand in for it. */
export const LOCAL_IP = "127.0.0.1";
export const REMOTE_IP = "203.0.113.9";

export function createTestAuth(db: Db): Auth {
  const auth = createAuth(db, { secret: TEST_AUTH_SECRET, baseURL: BASE_URL });
  // Sign-in hashes and checks passwords with the library's own functions, not through its module the tests
  // replace (tests/helpers/password-hashes.ts): hand it the tests' ones. This runs before any request does,
  // as it waits on the same promise and was queued first.
  void auth.$context.then((context) => Object.assign(context.password, { hash: hashPassword, verify: verifyPassword }));
  return auth;
}

export type TestApp = TestDb & { auth: Auth };

/**
 * One database and auth instance for the current test file, created before its tests and dropped after.
 * The returned object is filled in by `beforeAll`, so read its fields inside tests and hooks only.
 */
export function useTestApp(): TestApp {
  const app = {} as TestApp;
  beforeAll(async () => {
    const testDb = await createTestDb();
    Object.assign(app, testDb, { auth: createTestAuth(testDb.db) });
  });
  afterAll(async () => {
    // Whatever a test file did through the app, the audit log must still be one intact chain: an entry
    // written outside a sealing transaction shows up here.
    const chain = app.db ? await verifyAuditChain(app.db) : null;
    await app.close?.();
    if (chain && !chain.intact) throw new Error(`The audit chain is broken after this file: ${chain.problem.message}`);
  });
  return app;
}

/**
 * Headers as the app's server passes them on: always a client address, marked as this machine when it is
 * (a request with no proxy in between), a session cookie when signed in.
 */
export function requestHeaders({ ip = LOCAL_IP, cookie }: { ip?: string; cookie?: string } = {}): Headers {
  const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: ip, "user-agent": "vitest" });
  if (isLoopback(ip)) headers.set(SAME_MACHINE_HEADER, "1");
  if (cookie) headers.set("cookie", cookie);
  return headers;
}

/** The `Cookie` header a browser would send back after receiving these `Set-Cookie` headers. */
export function cookieFrom(responseHeaders: Headers): string {
  return responseHeaders
    .getSetCookie()
    .map((setCookie) => setCookie.split(";")[0]!)
    .join("; ");
}

/** Signs in through better-auth itself and returns request headers carrying the session cookie. */
export async function signIn(auth: Auth, email: string, password: string, ip = LOCAL_IP): Promise<Headers> {
  const { headers } = await auth.api.signInEmail({
    body: { email, password },
    headers: requestHeaders({ ip }),
    returnHeaders: true,
  });
  const cookie = cookieFrom(headers);
  if (!cookie.includes("session_token")) throw new Error(`Sign-in set no session cookie (got "${cookie}")`);
  return requestHeaders({ ip, cookie });
}

/** A tRPC caller with the same context the HTTP route builds for a request with these headers. */
export async function callerFor(db: Db, auth: Auth, headers: Headers = requestHeaders()) {
  return createCallerFactory(appRouter)(await createContext({ db, auth, headers }));
}

export type Caller = Awaited<ReturnType<typeof callerFor>>;

/** What the browser receives for a failed call, as shaped by the router's error formatter. */
export type ClientErrorShape = {
  message: string;
  data: {
    code: string;
    httpStatus: number;
    fieldErrors?: Record<string, string[] | undefined>;
    field?: string;
  };
};

/** Runs a call expected to fail and returns the error exactly as a browser would receive it. */
export async function clientError(call: Promise<unknown>): Promise<ClientErrorShape> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCError)) throw error;
    return getTRPCErrorShape({
      config: appRouter._def._config,
      error,
      type: "mutation",
      path: undefined,
      input: undefined,
      ctx: undefined,
    });
  }
  throw new Error("Expected the call to fail, but it succeeded");
}

/** Posts to better-auth's HTTP handler the way the browser does, so its rate limiter applies. */
export function authRequest(auth: Auth, path: string, body: unknown, ip = LOCAL_IP): Promise<Response> {
  const headers = requestHeaders({ ip });
  headers.set("content-type", "application/json");
  headers.set("origin", BASE_URL);
  return auth.handler(
    new Request(`${BASE_URL}/api/auth${path}`, { method: "POST", headers, body: JSON.stringify(body) }),
  );
}

/** Creates a user, signs them in for real and returns a caller acting as them. */
export async function signedInUser(app: TestApp, options: Parameters<typeof createTestUser>[1] = {}) {
  const user = await createTestUser(app.db, options);
  const headers = await signIn(app.auth, user.email, user.password);
  return { user, headers, caller: await callerFor(app.db, app.auth, headers) };
}
