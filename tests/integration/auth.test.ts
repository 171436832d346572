import { APIError } from "better-auth/api";
import { verifyPassword } from "better-auth/crypto";
import { beforeEach, describe, expect, test } from "vitest";
import { createAuth, SIGN_IN_LIMIT, type Auth } from "../../server/auth/auth";
import { createTestUser, TEST_PASSWORD } from "../factories/users";
import {
  authRequest,
  callerFor,
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

  test("a deactivated user cannot sign in, with a message that says why", async () => {
    const user = await createTestUser(app.db, { active: false });

    const error = await apiError(signIn(app.auth, user.email, user.password));
    expect(error?.statusCode).toBe(403);
    expect(error?.message).toMatch(/deactivated/);
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
    expect(await apiError(signIn(app.auth, staff.user.email, staff.user.password))).toMatchObject({ statusCode: 403 });
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
});
