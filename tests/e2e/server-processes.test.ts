import http from "node:http";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createScratchDatabase, testDatabaseUrl, type ScratchDatabase } from "../helpers/database";
import { externalAddress, startApp, type RunningApp } from "./harness";

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

  const call = async (procedure: string, input: unknown, cookie = "", on = base) => {
    const answer = await request(
      on,
      "POST",
      `/api/trpc/${procedure}`,
      { "content-type": "application/json", origin: on, cookie },
      superjson.stringify(input),
    );
    if (answer.status !== 200) throw new Error(`${procedure}: ${answer.status} ${answer.body}`);
    return superjson.deserialize<{ id: string }>(JSON.parse(answer.body).result.data);
  };
  const signIn = async (user: { email: string; password: string }) => {
    const answer = await request(
      base,
      "POST",
      "/api/auth/sign-in/email",
      { "content-type": "application/json", origin: base },
      JSON.stringify(user),
    );
    expect(answer.status).toBe(200);
    return (answer.headers["set-cookie"] ?? []).map((cookie) => cookie.split(";")[0]).join("; ");
  };
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
    await call("setup.createFirstAdmin", { ...ADMIN, setupCode: codes[0] }, "", address ? app.url(address) : base);
  });

  test("a role change and a deactivation made through one process reach reads on all of them at once", async () => {
    const adminCookie = await signIn(ADMIN);
    const staff = await call("access.createUser", { ...STAFF, role: "staff" }, adminCookie);
    const staffCookie = await signIn(STAFF);

    // Every process has now checked the staff member's session and remembers it.
    expect(await readsOfMe(staffCookie)).toEqual(Array(CONNECTIONS).fill("staff"));

    await call("access.setRole", { userId: staff.id, role: "courier" }, adminCookie);
    expect(await readsOfMe(staffCookie)).toEqual(Array(CONNECTIONS).fill("courier"));

    await call("access.setActive", { userId: staff.id, active: false }, adminCookie);
    expect(await readsOfMe(staffCookie)).toEqual(Array(CONNECTIONS).fill(401));
  });

  test("a signed-out session stops working on every process at once", async () => {
    const cookie = await signIn(ADMIN);
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
