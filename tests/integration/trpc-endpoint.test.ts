import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import net, { type AddressInfo } from "node:net";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { MAX_CALLS_PER_BATCH } from "../../lib/api";
import { MAX_BATCH } from "../../lib/sync/events";
import { MAX_SIGNATURE_CHARS } from "../../lib/tapes";
import { SIGN_IN_LIMIT, type Auth } from "../../server/auth/auth";
import { VIEWER_TTL_MS } from "../../server/auth/viewer-cache";
import type { Db } from "../../server/db";
import { createAppRequestHandler } from "../../server/http/app-server";
import { handleTrpcFetch, MAX_BODY_BYTES, SMALL_BODY_BYTES } from "../../server/http/trpc-endpoint";
import { issueSetupCode } from "../../server/setup/service";
import { createTape } from "../factories/backup";
import { custodyEvent } from "../factories/sync-events";
import { createTestUser, TEST_PASSWORD } from "../factories/users";
import { signatureImage } from "../factories/signature";
import { BASE_URL, signedInUser, useTestApp } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

// The endpoint reaches the app's database and auth through these two getters; here they answer with the
// test's own, so the real endpoint module runs unchanged.
const deps = vi.hoisted(() => ({ db: undefined as Db | undefined, auth: undefined as Auth | undefined }));
vi.mock(import("../../server/db"), async (importOriginal) => ({ ...(await importOriginal()), getDb: () => deps.db! }));
vi.mock(import("../../server/auth/auth"), async (importOriginal) => ({
  ...(await importOriginal()),
  getAuth: async () => deps.auth!,
}));

const app = useTestApp();
beforeAll(() => {
  deps.db = app.db;
  deps.auth = app.auth;
});
afterEach(() => vi.useRealTimers());

const query = (procedure: string, input: unknown, headers: Headers) =>
  handleTrpcFetch(
    new Request(`${BASE_URL}/api/trpc/${procedure}?input=${encodeURIComponent(superjson.stringify(input))}`, {
      headers,
    }),
  );

function mutation(procedure: string, input: unknown, headers: Headers) {
  const withBody = new Headers(headers);
  withBody.set("content-type", "application/json");
  withBody.set("origin", BASE_URL);
  return handleTrpcFetch(
    new Request(`${BASE_URL}/api/trpc/${procedure}`, {
      method: "POST",
      headers: withBody,
      body: superjson.stringify(input),
    }),
  );
}

async function me(headers: Headers) {
  const response = await query("access.me", undefined, headers);
  return response.ok ? superjson.deserialize<{ role: string }>((await response.json()).result.data) : response.status;
}

describe("who is calling, on the tRPC endpoint", () => {
  test("changes made through the app reach the next read at once: role, deactivation", async () => {
    const admin = await signedInUser(app, { role: "admin" });
    const staff = await signedInUser(app, { role: "staff" });
    expect(await me(staff.headers)).toMatchObject({ role: "staff" });

    expect((await mutation("access.setRole", { userId: staff.user.id, role: "courier" }, admin.headers)).status).toBe(
      200,
    );
    expect(await me(staff.headers)).toMatchObject({ role: "courier" });

    expect((await mutation("access.setActive", { userId: staff.user.id, active: false }, admin.headers)).status).toBe(
      200,
    );
    expect(await me(staff.headers)).toBe(401);
  });

  test("signing out ends the session's reads at once", async () => {
    const courier = await signedInUser(app, { role: "courier" });
    expect(await me(courier.headers)).toMatchObject({ role: "courier" });
    const headers = new Headers(courier.headers);
    headers.set("origin", BASE_URL);
    const signOut = await app.auth.handler(new Request(`${BASE_URL}/api/auth/sign-out`, { method: "POST", headers }));
    expect(signOut.status).toBe(200);
    expect(await me(courier.headers)).toBe(401);
  });

  test("a change made outside the app: reads see it within the time to live, writes at once", async () => {
    const staff = await signedInUser(app, { role: "staff" });
    expect(await me(staff.headers)).toMatchObject({ role: "staff" });
    // As another server process or SQL by hand would: this process hears nothing of it.
    await app.db.user.update({ where: { id: staff.user.id }, data: { active: false } });

    expect((await mutation("tapes.register", { barcode: "OUT001L9" }, staff.headers)).status).toBe(401);
    expect(await app.db.backupTapeCartridge.count({ where: { barcode: "OUT001L9" } })).toBe(0);

    expect(await me(staff.headers)).toMatchObject({ role: "staff" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + VIEWER_TTL_MS });
    expect(await me(staff.headers)).toBe(401);
  });
});

describe("the endpoint under next dev (the Next.js route)", () => {
  test("has the same limits: batch size, and a small body but for the push", async () => {
    const staff = await signedInUser(app, { role: "staff" });
    const paths = Array.from({ length: MAX_CALLS_PER_BATCH + 1 }, () => "setup.status").join(",");
    const batch = await handleTrpcFetch(
      new Request(`${BASE_URL}/api/trpc/${paths}?batch=1&input=${encodeURIComponent("{}")}`),
    );
    expect(batch.status).toBe(400);

    const padded = await mutation(
      "tapes.register",
      { barcode: "DEV001L9", notes: "x".repeat(SMALL_BODY_BYTES) },
      staff.headers,
    );
    expect(padded.status).toBe(413);
    expect(await app.db.backupTapeCartridge.count({ where: { barcode: "DEV001L9" } })).toBe(0);
    expect((await mutation("tapes.register", { barcode: "DEV002L9" }, staff.headers)).status).toBe(200);
  });
});

describe("the endpoint on the app's own server", () => {
  let own: Running;
  let base: string;
  beforeAll(async () => {
    own = await serveWith([]);
    base = own.base;
  });
  afterAll(() => own.close());

  test("answers a lookup with the security headers of an API", async () => {
    const courier = await signedInUser(app, { role: "courier" });
    const tape = await createTape(app.db);
    const input = encodeURIComponent(
      JSON.stringify({ 0: superjson.serialize({ barcode: tape.barcode.toLowerCase() }) }),
    );
    const response = await fetch(`${base}/api/trpc/tapes.byBarcode?batch=1&input=${input}`, {
      headers: { cookie: courier.headers.get("cookie")! },
    });

    expect(response.status).toBe(200);
    const [answer] = await response.json();
    expect(superjson.deserialize(answer.result.data)).toEqual({
      id: tape.id,
      barcode: tape.barcode,
      status: tape.status,
    });
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  test("refuses a write from another site and writes one from its own origin", async () => {
    const staff = await signedInUser(app, { role: "staff" });
    const post = (origin: string, barcode: string) =>
      fetch(`${base}/api/trpc/tapes.register`, {
        method: "POST",
        headers: { cookie: staff.headers.get("cookie")!, origin, "content-type": "application/json" },
        body: superjson.stringify({ barcode }),
      });

    const refused = await post("http://evil.example", "XSW001L9");
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ message: expect.stringContaining("came from another site") });
    expect(await app.db.backupTapeCartridge.count({ where: { barcode: "XSW001L9" } })).toBe(0);

    expect((await post(base, "XSW002L9")).status).toBe(200);
    expect(await app.db.backupTapeCartridge.count({ where: { barcode: "XSW002L9" } })).toBe(1);
  });

  test("a lookup of an unknown label answers null, a malformed one a readable 400", async () => {
    const courier = await signedInUser(app, { role: "courier" });
    const lookup = (barcode: string) =>
      fetch(`${base}/api/trpc/tapes.byBarcode?input=${encodeURIComponent(superjson.stringify({ barcode }))}`, {
        headers: { cookie: courier.headers.get("cookie")! },
      });

    const unknown = await lookup("ZZZ999L9");
    expect(unknown.status).toBe(200);
    expect(superjson.deserialize((await unknown.json()).result.data)).toBeNull();
    const invalid = await lookup("L".repeat(65));
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.json.message).toMatch(/^barcode: /);
  });

  // Two bodies of about 31 MB each way: more than the usual time on a busy machine.
  test("takes the largest push a phone sends, and refuses a bigger body before reading it whole", async () => {
    const courier = await signedInUser(app, { role: "courier" });
    const tape = await createTape(app.db);
    const post = (body: string) =>
      fetch(`${base}/api/trpc/sync.push`, {
        method: "POST",
        headers: { cookie: courier.headers.get("cookie")!, origin: base, "content-type": "application/json" },
        body,
      });
    // A full batch of hand-offs, each signed with an image of the largest size accepted.
    const signature = signatureImage({ length: MAX_SIGNATURE_CHARS });
    const events = Array.from({ length: MAX_BATCH }, () => {
      const event = custodyEvent(tape.barcode);
      return { ...event, payload: { ...event.payload, signature } };
    });
    const largest = superjson.stringify({ deviceId: "phone-large", events });
    expect(largest.length).toBeLessThan(MAX_BODY_BYTES);
    const accepted = await post(largest);
    expect(accepted.status).toBe(200);
    expect(await app.db.backupTapeCustody.count({ where: { tapeId: tape.id } })).toBe(MAX_BATCH);

    const tooBig = await post(
      superjson.stringify({ deviceId: "phone-huge", events: [], padding: "x".repeat(MAX_BODY_BYTES) }),
    );
    expect(tooBig.status).toBe(413);
    expect(await app.db.syncEvent.count({ where: { deviceId: "phone-huge" } })).toBe(0);
  }, 120_000);
});

/**
 * What Next.js would do with everything but the tRPC endpoint, reduced to what these tests need: the
 * auth library's endpoints, and a build file for anything under /_next/static.
 */
async function nextStandIn(request: IncomingMessage, response: ServerResponse) {
  if (request.url?.startsWith("/api/auth/")) {
    const answer = await app.auth.handler(incomingMessageToRequest(request, response, { maxBodySize: null }));
    response.writeHead(answer.status, Object.fromEntries(answer.headers)).end(await answer.text());
  } else if (request.url?.startsWith("/_next/static/")) {
    response.writeHead(200, { "content-type": "application/javascript" }).end("console.log('chunk')");
  } else {
    response.writeHead(404).end();
  }
}

type Running = { base: string; warnings: string[]; close: () => Promise<void> };

/** The app's own request handler on a port of this machine, trusting these proxies. */
async function serveWith(trustedProxies: string[]): Promise<Running> {
  const warnings: string[] = [];
  const server: Server = createServer(
    createAppRequestHandler({ trustedProxies, appUrl: undefined, next: nextStandIn, warn: (m) => warnings.push(m) }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    warnings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let running: Running | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

const trpcUrl = (base: string, procedure: string, input?: unknown) =>
  `${base}/api/trpc/${procedure}${input === undefined ? "" : `?input=${encodeURIComponent(superjson.stringify(input))}`}`;

async function setupStatus(base: string, forwardedFor?: string) {
  const response = await fetch(trpcUrl(base, "setup.status"), {
    headers: forwardedFor ? { "x-forwarded-for": forwardedFor } : {},
  });
  return superjson.deserialize<{ needsSetup: boolean; codeRequired: boolean }>((await response.json()).result.data);
}

function createFirstAdmin(base: string, forwardedFor: string) {
  return fetch(`${base}/api/trpc/setup.createFirstAdmin`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base, "x-forwarded-for": forwardedFor },
    body: superjson.stringify({ name: "Mallory", email: "mallory@example.test", password: TEST_PASSWORD }),
  });
}

describe("first-run setup behind a reverse proxy", () => {
  // Nobody has set the app up yet.
  beforeEach(() => truncateAll(app.db));

  test("an appending proxy on this machine (TRUST_PROXY=1): a forged leftmost 127.0.0.1 still needs the code", async () => {
    running = await serveWith(["loopback"]);
    await issueSetupCode(app.db);
    // The browser at 203.0.113.9 sent "X-Forwarded-For: 127.0.0.1"; the proxy appended the address it saw.
    const forged = "127.0.0.1, 203.0.113.9";
    expect(await setupStatus(running.base, forged)).toEqual({ needsSetup: true, codeRequired: true });
    expect((await createFirstAdmin(running.base, forged)).status).toBe(403);
    expect(await app.db.user.count()).toBe(0);

    // A browser on this machine through the same proxy needs none.
    expect(await setupStatus(running.base, "127.0.0.1")).toEqual({ needsSetup: true, codeRequired: false });
  });

  test("a proxy on this machine that TRUST_PROXY does not list: its requests are not this machine's, and it is reported", async () => {
    running = await serveWith([]);
    await issueSetupCode(app.db);
    expect(await setupStatus(running.base, "203.0.113.9")).toEqual({ needsSetup: true, codeRequired: true });
    expect((await createFirstAdmin(running.base, "203.0.113.9")).status).toBe(403);
    expect(await app.db.user.count()).toBe(0);
    await setupStatus(running.base, "198.51.100.7");
    expect(running.warnings).toHaveLength(1);
    expect(running.warnings[0]).toMatch(/TRUST_PROXY does not list 127\.0\.0\.1/);

    // Straight from this machine, with no proxy, no code is asked.
    expect(await setupStatus(running.base)).toEqual({ needsSetup: true, codeRequired: false });
  });
});

describe("sign-in rate limit behind a reverse proxy", () => {
  test("counts attempts by the address the trusted proxy saw, not by what the client wrote before it", async () => {
    running = await serveWith(["loopback"]);
    const user = await createTestUser(app.db);
    const signIn = (password: string, forwardedFor: string) =>
      fetch(`${running!.base}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE_URL, "x-forwarded-for": forwardedFor },
        body: JSON.stringify({ email: user.email, password }),
      });

    // A new forged leftmost address each time does not make a new bucket.
    for (let attempt = 1; attempt <= SIGN_IN_LIMIT.max; attempt++) {
      expect((await signIn("wrong-password-1", `10.9.9.${attempt}, 203.0.113.9`)).status, `attempt ${attempt}`).toBe(
        401,
      );
    }
    expect((await signIn(user.password, "10.9.9.99, 203.0.113.9")).status).toBe(429);
    // Another client behind the same proxy is not locked out by it.
    expect((await signIn(user.password, "198.51.100.7")).status).toBe(200);
  });
});

describe("requests the server refuses or answers itself", () => {
  test("a Host header with a space is answered 400 at once, on the API and on pages", async () => {
    running = await serveWith([]);
    const { port } = new URL(running.base);
    for (const path of ["/api/trpc/setup.status", "/sign-in"]) {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), "127.0.0.1", () =>
          socket.write(`GET ${path} HTTP/1.1\r\nHost: tapes example\r\nConnection: close\r\n\r\n`),
        );
        let text = "";
        socket.setTimeout(5_000, () => reject(new Error(`no answer for ${path}`)));
        socket.on("data", (chunk) => (text += chunk));
        socket.on("end", () => resolve(text));
        socket.on("error", reject);
      });
      expect(answer, path).toMatch(/^HTTP\/1\.1 400 /);
    }
  });

  test("build files under /_next/static carry the security headers too", async () => {
    running = await serveWith([]);
    const response = await fetch(`${running.base}/_next/static/chunks/main.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  test(`a batch of more than ${MAX_CALLS_PER_BATCH} calls is refused; one of that many is answered`, async () => {
    running = await serveWith([]);
    const batch = (size: number) => {
      const paths = Array.from({ length: size }, () => "setup.status").join(",");
      const input = encodeURIComponent(JSON.stringify({}));
      return fetch(`${running!.base}/api/trpc/${paths}?batch=1&input=${input}`);
    };
    expect((await batch(MAX_CALLS_PER_BATCH)).status).toBe(200);
    const refused = await batch(MAX_CALLS_PER_BATCH + 1);
    expect(refused.status).toBe(400);
  });

  test("a body bigger than a form's is refused (413) on every procedure but those that carry signatures", async () => {
    running = await serveWith([]);
    const staff = await signedInUser(app, { role: "staff" });
    const tape = await createTape(app.db);
    const post = (procedure: string, input: unknown) =>
      fetch(`${running!.base}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { cookie: staff.headers.get("cookie")!, origin: running!.base, "content-type": "application/json" },
        body: superjson.stringify(input),
      });

    const padded = await post("tapes.register", { barcode: "BIG001L9", notes: "x".repeat(SMALL_BODY_BYTES) });
    expect(padded.status).toBe(413);
    expect(await app.db.backupTapeCartridge.count({ where: { barcode: "BIG001L9" } })).toBe(0);

    // A hand-off signed at the desk carries a signature image of up to MAX_SIGNATURE_CHARS.
    const signature = `data:image/png;base64,iVBORw0KGgo${"A".repeat(MAX_SIGNATURE_CHARS - 33)}`;
    const handOff = await post("custody.record", {
      tapeId: tape.id,
      fromParty: "Operations",
      toParty: "Iron Vault",
      signerName: "Vera Vault",
      signature,
    });
    expect(handOff.status).not.toBe(413);
  });

  test("a server error reaches the client as a generic message with a request id; the details go to the log", async () => {
    running = await serveWith([]);
    const staff = await signedInUser(app, { role: "staff" });
    const secret = 'relation "backup_secret_table" does not exist at 10.20.30.40:5432';
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const failing = vi.spyOn(app.db.backupSite, "findMany").mockRejectedValue(new Error(secret));
    try {
      const response = await fetch(trpcUrl(running.base, "tapes.summary"), {
        headers: { cookie: staff.headers.get("cookie")! },
      });
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).not.toContain("backup_secret_table");
      expect(body).not.toContain("10.20.30.40");
      const { error } = JSON.parse(body);
      const requestId = error.json.data.requestId as string;
      expect(requestId).toMatch(/^[0-9a-f]{8}$/);
      expect(error.json.message).toBe(
        `Something went wrong on the server. If it happens again, tell your administrator: request ${requestId}.`,
      );
      const line = logged.mock.calls.find((call) => String(call[0]).includes(requestId));
      expect(String(line?.[0])).toContain("tRPC tapes.summary failed");
      expect(String(line?.[1])).toContain("backup_secret_table");
    } finally {
      failing.mockRestore();
      logged.mockRestore();
    }
  });
});
