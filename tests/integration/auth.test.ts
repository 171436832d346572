import { APIError } from "better-auth/api";
import { verifyPassword } from "better-auth/crypto";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { createAuth, MAX_SESSION_AGE_MS, SIGN_IN_LIMIT, type Auth } from "../../server/auth/auth";
import { ACCOUNT_SIGN_IN_LIMIT } from "../../server/auth/sign-in-limit";
import { viewerCache } from "../../server/auth/viewer-cache";
import { createContext } from "../../server/trpc";
import { createTestUser, TEST_PASSWORD } from "../factories/users";
import {
  authRequest,
  BASE_URL,
  callerFor,
  clientError,
  cookieFrom,
  REMOTE_IP,
  requestHeaders,
  signIn,
  signedInUser,
  TEST_AUTH_SECRET,
  useTestApp,
} from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

// Rate-limit counters live in the database too; each test starts with none.
beforeEach(() => truncateAll(app.db));

/** The error better-auth throws from a direct API call, or undefined when the call succeeded. */
async function apiError(call: Promise<unknown>): Promise<APIError | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (error instanceof APIError) return error;
    throw error;
  }
}

describe("signing in", () => {
  test("the right password opens a session that the tRPC context recognises", async () => {
    const { user, caller } = await signedInUser(app, { role: "custodian" });

    expect(await caller.access.me()).toEqual({
      id: user.id,
      name: user.name,
      email: user.email,
      role: "custodian",
      backupAccess: "write",
      approver: false,
    });
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(1);
  });

  test("a wrong password or an unknown email is refused without saying which", async () => {
    const user = await createTestUser(app.db);
    for (const body of [
      { email: user.email, password: `${TEST_PASSWORD}x` },
      { email: "nobody@example.test", password: TEST_PASSWORD },
    ]) {
      const error = await apiError(app.auth.api.signInEmail({ body, headers: requestHeaders() }));
      expect(error?.statusCode).toBe(401);
      expect(error?.message).toMatch(/invalid email or password/i);
    }
    expect(await app.db.session.count()).toBe(0);
  });

  test(`after ${SIGN_IN_LIMIT.max} attempts from one address the next is rate-limited, even with the right password`, async () => {
    const user = await createTestUser(app.db);
    const wrong = { email: user.email, password: "not-the-password-1" };

    for (let attempt = 1; attempt <= SIGN_IN_LIMIT.max; attempt++) {
      const response = await authRequest(app.auth, "/sign-in/email", wrong, REMOTE_IP);
      expect(response.status, `attempt ${attempt}`).toBe(401);
    }

    const limited = await authRequest(
      app.auth,
      "/sign-in/email",
      { email: user.email, password: user.password },
      REMOTE_IP,
    );
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as { message: string }).message).toMatch(/too many requests/i);
    expect(Number(limited.headers.get("x-retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.getSetCookie()).toEqual([]);

    // The limit is per address: the same user on another machine is not locked out.
    const elsewhere = await authRequest(
      app.auth,
      "/sign-in/email",
      { email: user.email, password: user.password },
      "198.51.100.7",
    );
    expect(elsewhere.status).toBe(200);
  });

  test("a deactivated user cannot sign in, and the answer does not say whether the password was right", async () => {
    const user = await createTestUser(app.db, { active: false });

    const right = await authRequest(app.auth, "/sign-in/email", { email: user.email, password: user.password });
    const wrong = await authRequest(app.auth, "/sign-in/email", { email: user.email, password: "not-it-at-all-9" });
    expect(right.status).toBe(401);
    expect(await right.json()).toEqual(await wrong.json());
    expect(right.headers.getSetCookie()).toEqual([]);
    expect(await app.db.session.count()).toBe(0);
  });

  test("deactivating a user ends the sessions they already have", async () => {
    const admin = await signedInUser(app, { role: "admin" });
    const staff = await signedInUser(app, { role: "staff" });
    await expect(staff.caller.access.me()).resolves.toMatchObject({ id: staff.user.id });

    await admin.caller.access.setActive({ userId: staff.user.id, active: false });

    expect(await app.db.session.count({ where: { userId: staff.user.id } })).toBe(0);
    const sameCookie = await callerFor(app.db, app.auth, staff.headers);
    await expect(sameCookie.access.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await apiError(signIn(app.auth, staff.user.email, staff.user.password))).toMatchObject({ statusCode: 401 });
  });

  test("a session that outlived its user's deactivation grants nothing", async () => {
    // The sessions are deleted on deactivation; this guards the context's own check should one survive.
    const staff = await signedInUser(app, { role: "staff" });
    await app.db.user.update({ where: { id: staff.user.id }, data: { active: false } });

    const caller = await callerFor(app.db, app.auth, staff.headers);
    await expect(caller.access.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  test("passwords are stored only as a hash that verifies", async () => {
    const user = await createTestUser(app.db);
    const account = await app.db.account.findFirstOrThrow({ where: { userId: user.id, providerId: "credential" } });

    expect(account.password).toBeTruthy();
    expect(account.password).not.toContain(user.password);
    expect(await verifyPassword({ hash: account.password!, password: user.password })).toBe(true);
    expect(await verifyPassword({ hash: account.password!, password: `${user.password}x` })).toBe(false);
  });

  test("the session cookie is HttpOnly and SameSite=Lax, and Secure when the app is served over HTTPS", async () => {
    const user = await createTestUser(app.db);
    const sessionCookie = async (auth: Auth) => {
      const { headers } = await auth.api.signInEmail({
        body: { email: user.email, password: user.password },
        headers: requestHeaders(),
        returnHeaders: true,
      });
      const cookie = headers.getSetCookie().find((value) => value.includes("session_token="));
      expect(cookie).toBeDefined();
      return cookie!.split(";").map((part) => part.trim().toLowerCase());
    };

    const plain = await sessionCookie(app.auth);
    expect(plain).toEqual(expect.arrayContaining(["httponly", "samesite=lax"]));
    expect(plain).not.toContain("secure");

    const behindHttps = await sessionCookie(
      createAuth(app.db, { secret: TEST_AUTH_SECRET, baseURL: "https://tapes.example.com" }),
    );
    expect(behindHttps).toEqual(expect.arrayContaining(["httponly", "samesite=lax", "secure"]));
    expect(behindHttps[0]).toMatch(/^__secure-/);
  });

  test(`after ${ACCOUNT_SIGN_IN_LIMIT.max} failed sign-ins an account takes none, from any address, until the window has passed`, async () => {
    const user = await createTestUser(app.db);
    const wrong = { email: user.email.toUpperCase(), password: "not-the-password-1" };
    // Each from an address of its own, as a guesser spreading over many machines would.
    for (let attempt = 1; attempt <= ACCOUNT_SIGN_IN_LIMIT.max; attempt++) {
      const response = await authRequest(app.auth, "/sign-in/email", wrong, `198.51.100.${attempt}`);
      expect(response.status, `attempt ${attempt}`).toBe(401);
    }

    const right = { email: user.email, password: user.password };
    const locked = await authRequest(app.auth, "/sign-in/email", right, "192.0.2.77");
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as { message: string }).message).toMatch(
      /too many failed sign-ins for this account/i,
    );
    expect(locked.headers.getSetCookie()).toEqual([]);

    // An email no account has is counted the same way, so the refusal does not tell which accounts exist.
    for (let attempt = 1; attempt <= ACCOUNT_SIGN_IN_LIMIT.max; attempt++) {
      await authRequest(
        app.auth,
        "/sign-in/email",
        { email: "ghost@example.test", password: "x" },
        `203.0.113.${attempt}`,
      );
    }
    const ghost = await authRequest(
      app.auth,
      "/sign-in/email",
      { email: "ghost@example.test", password: "x" },
      "192.0.2.78",
    );
    expect(ghost.status).toBe(429);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + ACCOUNT_SIGN_IN_LIMIT.windowMs + 1000 });
    try {
      expect((await authRequest(app.auth, "/sign-in/email", right, "192.0.2.79")).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
    expect(await app.db.signInFailure.count({ where: { email: user.email } })).toBe(0);
  });

  test("a session ends 30 days after sign-in however recently it was used", async () => {
    const { user, headers } = await signedInUser(app, { role: "staff" });
    const session = await app.db.session.findFirstOrThrow({ where: { userId: user.id } });
    // Used every day for a month: the auth library renewed it each time.
    await app.db.session.update({
      where: { id: session.id },
      data: {
        createdAt: new Date(Date.now() - MAX_SESSION_AGE_MS - 60_000),
        expiresAt: new Date(Date.now() + 86_400_000),
      },
    });

    await expect((await callerFor(app.db, app.auth, headers)).access.me()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("the auth library without APP_URL", () => {
  test("takes its address from each request: no start-up warning, and sign-in works on localhost and on a LAN address", async () => {
    const logged = (["log", "info", "warn", "error"] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation(() => {}),
    );
    try {
      const auth = createAuth(app.db, { secret: TEST_AUTH_SECRET });
      await auth.$context;
      const said = logged.flatMap((spy) => spy.mock.calls.map((call) => call.join(" ")));
      expect(said.filter((line) => /base url/i.test(line))).toEqual([]);

      const user = await createTestUser(app.db);
      for (const origin of ["http://localhost:3000", "http://192.168.1.20:3000", "http://tapes.lan"]) {
        const headers = requestHeaders();
        headers.set("content-type", "application/json");
        headers.set("origin", origin);
        const response = await auth.handler(
          new Request(`${origin}/api/auth/sign-in/email`, {
            method: "POST",
            headers,
            body: JSON.stringify({ email: user.email, password: user.password }),
          }),
        );
        expect(response.status, origin).toBe(200);
        expect(cookieFrom(response.headers), origin).toContain("session_token");
      }
    } finally {
      for (const spy of logged) spy.mockRestore();
    }
  });
});

describe("changing one's own password", () => {
  test("needs the current password, follows the password rule, is audited, and the new one signs in", async () => {
    const { user, caller } = await signedInUser(app, { role: "courier" });

    const weak = await clientError(
      caller.access.changePassword({ currentPassword: user.password, newPassword: "short1" }),
    );
    expect(weak.data.fieldErrors?.newPassword).toContain("Password must be at least 12 characters");
    const wrong = await clientError(
      caller.access.changePassword({ currentPassword: "not-my-password-1", newPassword: "fresh-vault-key-77" }),
    );
    expect(wrong).toMatchObject({ message: "Your current password is not right", data: { field: "currentPassword" } });
    expect(await app.db.backupAuditLog.count({ where: { entityId: user.id } })).toBe(0);

    await caller.access.changePassword({ currentPassword: user.password, newPassword: "fresh-vault-key-77" });
    expect(await app.db.backupAuditLog.findMany({ where: { entityId: user.id } })).toMatchObject([
      { entityType: "user", action: "change_password", actorId: user.id, changes: {} },
    ]);
    expect((await authRequest(app.auth, "/sign-in/email", { email: user.email, password: user.password })).status).toBe(
      401,
    );
    await signIn(app.auth, user.email, "fresh-vault-key-77");
  });

  test("ends the user's other sessions in the same audited change and keeps the one that made it", async () => {
    const { user, headers: desk, caller } = await signedInUser(app, { role: "staff" });
    const phone = await signIn(app.auth, user.email, user.password);
    const someoneElse = await signedInUser(app, { role: "staff" });
    // The phone's session was checked moments ago and is remembered for reads.
    const readOn = async (headers: Headers) =>
      (await createContext({ db: app.db, auth: app.auth, headers, viewers: viewerCache() })).viewer;
    expect(await readOn(phone)).toMatchObject({ id: user.id });

    expect(
      await caller.access.changePassword({ currentPassword: user.password, newPassword: "fresh-vault-key-77" }),
    ).toEqual({ otherSessionsEnded: 1 });

    await expect((await callerFor(app.db, app.auth, phone)).access.me()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await readOn(phone)).toBeNull();
    expect(await (await callerFor(app.db, app.auth, desk)).access.me()).toMatchObject({ id: user.id });
    expect(await readOn(desk)).toMatchObject({ id: user.id });
    expect(await (await callerFor(app.db, app.auth, someoneElse.headers)).access.me()).toMatchObject({
      id: someoneElse.user.id,
    });
    expect(await app.db.backupAuditLog.findMany({ where: { entityId: user.id } })).toMatchObject([
      { action: "change_password", actorId: user.id, changes: { otherSessions: { from: 1, to: 0 } } },
    ]);
  });

  test("a wrong current password changes nothing: every session stays and so does the password", async () => {
    const { user, headers: desk, caller } = await signedInUser(app, { role: "staff" });
    const phone = await signIn(app.auth, user.email, user.password);

    const wrong = await clientError(
      caller.access.changePassword({ currentPassword: "not-my-password-1", newPassword: "fresh-vault-key-77" }),
    );
    expect(wrong).toMatchObject({ message: "Your current password is not right", data: { field: "currentPassword" } });

    for (const headers of [desk, phone]) {
      expect(await (await callerFor(app.db, app.auth, headers)).access.me()).toMatchObject({ id: user.id });
    }
    expect(await app.db.session.count({ where: { userId: user.id } })).toBe(2);
    expect(await app.db.backupAuditLog.count({ where: { entityId: user.id } })).toBe(0);
    await signIn(app.auth, user.email, user.password);
  });

  test("the auth library's own change-password endpoint, which applies neither the rule nor the audit, is closed", async () => {
    const { user, headers } = await signedInUser(app, { role: "courier" });
    const withBody = new Headers(headers);
    withBody.set("content-type", "application/json");
    withBody.set("origin", BASE_URL);
    const response = await app.auth.handler(
      new Request(`${BASE_URL}/api/auth/change-password`, {
        method: "POST",
        headers: withBody,
        body: JSON.stringify({ currentPassword: user.password, newPassword: "aaaaaaaa1" }),
      }),
    );
    expect(response.status).toBe(404);
    await signIn(app.auth, user.email, user.password);
  });
});
