import http from "node:http";
import superjson from "superjson";
import { request as clients, type APIRequestContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createScratchDatabase, testDatabaseUrl, type ScratchDatabase } from "../helpers/database";
import {
  callTrpc,
  existingUser,
  externalAddress,
  signInAsFirstAdmin,
  signInOverHttp,
  startApp,
  type RunningApp,
} from "./harness";

/**
 * On PostgreSQL the app runs one server process per core, all on one port, each remembering recently
 * checked sessions for reads. A change made through one process must reach reads on every other one at
 * once. Each request here opens its own connection, which the processes take in turn.
 */

const serverUrl = testDatabaseUrl();
const ADMIN = { name: "Ana Admin", email: "ana@example.com", password: "correct-horse-42" };
const STAFF = { name: "Sam Staff", email: "sam@example.com", password: "battery-staple-42" };
/** Enough fresh connections that every process answers several of them. */
const CONNECTIONS = 12;

type Answer = { status: number; body: string; headers: http.IncomingHttpHeaders };

/** One request on a connection of its own (no keep-alive), so it may land on any process. */
function request(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = http.request(`${base}${path}`, { method, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode!, body: text, headers: response.headers }));
    });
    outgoing.once("error", reject);
    outgoing.end(body);
  });
}

describe.skipIf(!serverUrl)("several server processes on PostgreSQL (needs TEST_DATABASE_URL)", () => {
  let database: ScratchDatabase;
  let app: RunningApp;
  let base: string;

  const opened: APIRequestContext[] = [];
  /** A client of its own, with its own cookies. */
  const client = async () => {
    const created = await clients.newContext();
    opened.push(created);
    return created;
  };
  /** The administrator, signed in on a client of their own (created first if no test before did). */
  const signedInAdmin = async () => {
    const admin = await client();
    await signInAsFirstAdmin(admin, app, base, ADMIN);
    return admin;
  };
  /** The session cookie of a client, for requests on connections of their own. */
  const cookieOf = async (signedIn: APIRequestContext) =>
    (await signedIn.storageState()).cookies.map(({ name, value }) => `${name}=${value}`).join("; ");
  /** `access.me` as the staff member, on fresh connections: the role each process answers with, or the status. */
  const readsOfMe = async (cookie: string) =>
    Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        const answer = await request(
          base,
          "GET",
          `/api/trpc/access.me?input=${encodeURIComponent(superjson.stringify(undefined))}`,
          { cookie },
        );
        return answer.status === 200
          ? superjson.deserialize<{ role: string }>(JSON.parse(answer.body).result.data).role
          : answer.status;
      }),
    );

  beforeAll(async () => {
    database = await createScratchDatabase(serverUrl!, "bm_e2e_processes");
    app = await startApp({ env: { DATABASE_URL: database.url, WEB_CONCURRENCY: "2" } });
    base = app.url("127.0.0.1");
  });

  afterAll(async () => {
    await Promise.all(opened.map((each) => each.dispose()));
    await app?.stop();
    await database?.drop();
  });

  test("one setup code is announced, and it works on whichever process a remote browser reaches", async () => {
    expect(app.logs()).toContain("(2 server processes)");
    const announced = () => [...app.logs().matchAll(/one-time setup code: (\S+)/g)].map((match) => match[1]);
    // The processes announce while they start, which can end after the server reports it is ready.
    await expect.poll(() => announced().length).toBeGreaterThan(0);
    const codes = announced();
    expect(codes, app.logs()).toHaveLength(1);
    // From another machine the code is required; without an address other than loopback, setup runs locally.
    const address = externalAddress();
    const remote = address ? app.url(address) : base;
    await callTrpc(await client(), remote, "setup.createFirstAdmin", { ...ADMIN, setupCode: codes[0] }, "mutation");
  });

  test("a role change and a deactivation made through one process reach reads on all of them at once", async () => {
    const admin = await signedInAdmin();
    const staffId = await existingUser(admin, base, STAFF, "staff");
    const staff = await client();
    await signInOverHttp(staff, base, STAFF);
    const staffCookie = await cookieOf(staff);

    // Every process has now checked the staff member's session and remembers it.
    expect(await readsOfMe(staffCookie)).toEqual(Array(CONNECTIONS).fill("staff"));

    await callTrpc(admin, base, "access.setRole", { userId: staffId, role: "courier" }, "mutation");
    expect(await readsOfMe(staffCookie)).toEqual(Array(CONNECTIONS).fill("courier"));

    await callTrpc(admin, base, "access.setActive", { userId: staffId, active: false }, "mutation");
    expect(await readsOfMe(staffCookie)).toEqual(Array(CONNECTIONS).fill(401));
  });

  test("a signed-out session stops working on every process at once", async () => {
    const cookie = await cookieOf(await signedInAdmin());
    const reads = async () =>
      Promise.all(
        Array.from(
          { length: CONNECTIONS },
          async () => (await request(base, "GET", `/api/trpc/access.me`, { cookie })).status,
        ),
      );
    expect(await reads()).toEqual(Array(CONNECTIONS).fill(200));
    expect(
      (
        await request(
          base,
          "POST",
          "/api/auth/sign-out",
          { cookie, origin: base, "content-type": "application/json" },
          "{}",
        )
      ).status,
    ).toBe(200);
    expect(await reads()).toEqual(Array(CONNECTIONS).fill(401));
  });
});
