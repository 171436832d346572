import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import superjson from "superjson";
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import type { Auth } from "../../server/auth/auth";
import { VIEWER_TTL_MS } from "../../server/auth/viewer-cache";
import type { Db } from "../../server/db";
import { MAX_BATCH } from "../../lib/sync/events";
import { MAX_SIGNATURE_CHARS } from "../../lib/tapes";
import { handleTrpcFetch, handleTrpcNode, MAX_BODY_BYTES } from "../../server/http/trpc-endpoint";
import { createTape } from "../factories/backup";
import { custodyEvent } from "../factories/sync-events";
import { signatureImage } from "../factories/signature";
import { BASE_URL, signedInUser, useTestApp } from "../helpers/app";

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

describe("the endpoint on the app's own server", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => void handleTrpcNode(request, response, undefined));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

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
  });
});
