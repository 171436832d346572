import { beforeEach, describe, expect, test, vi } from "vitest";
import { issueSetupCode, SETUP_CODE_LIMIT } from "../../server/setup/service";
import { TEST_PASSWORD } from "../factories/users";
import { callerFor, clientError, LOCAL_IP, REMOTE_IP, requestHeaders, signIn, useTestApp } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();
const firstAdmin = { name: "Ada Admin", email: "ada@example.test", password: TEST_PASSWORD };

const visitorFrom = (ip: string) => callerFor(app.db, app.auth, requestHeaders({ ip }));

// Every test starts from a database nobody has set up yet.
beforeEach(() => truncateAll(app.db));

describe("first-run setup", () => {
  test("an empty database needs setup, and only a remote browser needs a code", async () => {
    expect(await (await visitorFrom(LOCAL_IP)).setup.status()).toEqual({ needsSetup: true, codeRequired: false });
    expect(await (await visitorFrom(REMOTE_IP)).setup.status()).toEqual({ needsSetup: true, codeRequired: true });
  });

  test("from the server's own machine the first administrator needs no code and can sign in", async () => {
    const visitor = await visitorFrom(LOCAL_IP);
    const created = await visitor.setup.createFirstAdmin(firstAdmin);

    const user = await app.db.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(user).toMatchObject({ email: firstAdmin.email, role: "admin", active: true });
    expect(await visitor.setup.status()).toMatchObject({ needsSetup: false });

    const admin = await callerFor(app.db, app.auth, await signIn(app.auth, firstAdmin.email, firstAdmin.password));
    expect(await admin.access.me()).toMatchObject({ id: created.id, role: "admin", backupAccess: "write" });
  });

  test("from another machine a missing or wrong code is refused and creates nobody", async () => {
    const code = await issueSetupCode(app.db);
    // 16 characters of a 31-letter alphabet: about 79 bits.
    expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}(-[A-HJ-NP-Z2-9]{4}){3}$/);
    const visitor = await visitorFrom(REMOTE_IP);

    for (const setupCode of [undefined, "", "AAAA-AAAA", `${code}X`]) {
      const error = await clientError(visitor.setup.createFirstAdmin({ ...firstAdmin, setupCode }));
      expect(error.data.code).toBe("FORBIDDEN");
      expect(error.data.field).toBe("setupCode");
      expect(error.message).toMatch(/setup code is not right/);
    }
    expect(await app.db.user.count()).toBe(0);
    expect(await app.db.backupAuditLog.count()).toBe(0);
  });

  test("from another machine the printed code creates the administrator once, then is gone", async () => {
    const code = (await issueSetupCode(app.db))!;
    const visitor = await visitorFrom(REMOTE_IP);

    // Typed by hand: lower case and without the dash is the same code.
    const created = await visitor.setup.createFirstAdmin({
      ...firstAdmin,
      setupCode: code.toLowerCase().replace("-", ""),
    });

    expect(await app.db.user.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ role: "admin" });
    expect(await app.db.appSetting.count({ where: { key: { startsWith: "setup_code" } } })).toBe(0);
    expect(await issueSetupCode(app.db)).toBeNull();
  });

  test("a remote browser cannot set up before the server issued a code", async () => {
    const visitor = await visitorFrom(REMOTE_IP);
    await expect(visitor.setup.createFirstAdmin({ ...firstAdmin, setupCode: "ABCD-EFGH" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect(await app.db.user.count()).toBe(0);
  });

  test("a second first administrator is a conflict, even with a valid-looking request", async () => {
    const visitor = await visitorFrom(LOCAL_IP);
    await visitor.setup.createFirstAdmin(firstAdmin);

    const error = await clientError(
      visitor.setup.createFirstAdmin({ ...firstAdmin, email: "mallory@example.test", name: "Mallory" }),
    );
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toMatch(/already set up/);
    expect(await app.db.user.count()).toBe(1);
  });

  test("a weak password is refused with the rule's own words and creates nobody", async () => {
    const visitor = await visitorFrom(LOCAL_IP);
    const cases = [
      { password: "short1", message: "Password must be at least 12 characters" },
      { password: "onlylettersherepls", message: "Password must contain letters and digits" },
    ];
    for (const { password, message } of cases) {
      const error = await clientError(visitor.setup.createFirstAdmin({ ...firstAdmin, password }));
      expect(error.data.code).toBe("BAD_REQUEST");
      expect(error.data.fieldErrors?.password).toContain(message);
    }
    expect(await app.db.user.count()).toBe(0);
  });

  test("setup writes one audit entry for the new administrator, made by themselves", async () => {
    const { id } = await (await visitorFrom(LOCAL_IP)).setup.createFirstAdmin(firstAdmin);

    const entries = await app.db.backupAuditLog.findMany();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      entityType: "user",
      entityId: id,
      action: "create",
      actorId: id,
      actorName: firstAdmin.name,
      changes: {
        name: { from: null, to: firstAdmin.name },
        email: { from: null, to: firstAdmin.email },
        role: { from: null, to: "admin" },
        active: { from: null, to: true },
        backupAccess: { from: null, to: "write" },
      },
    });
    expect(JSON.stringify(entries[0]!.changes)).not.toContain(firstAdmin.password);
  });

  test(`after ${SETUP_CODE_LIMIT.max} wrong codes even the right one is refused until the window has passed`, async () => {
    const code = (await issueSetupCode(app.db))!;
    const visitor = await visitorFrom(REMOTE_IP);
    for (let attempt = 1; attempt <= SETUP_CODE_LIMIT.max; attempt++) {
      const error = await clientError(visitor.setup.createFirstAdmin({ ...firstAdmin, setupCode: `WRONG-${attempt}` }));
      expect(error.data.code, `attempt ${attempt}`).toBe("FORBIDDEN");
    }

    const throttled = await clientError(visitor.setup.createFirstAdmin({ ...firstAdmin, setupCode: code }));
    expect(throttled.data.code).toBe("TOO_MANY_REQUESTS");
    expect(throttled.message).toMatch(/Too many wrong setup codes\. Try again in 15 minutes/);
    expect(await app.db.user.count()).toBe(0);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + SETUP_CODE_LIMIT.windowMs + 1000 });
    try {
      await visitor.setup.createFirstAdmin({ ...firstAdmin, setupCode: code });
    } finally {
      vi.useRealTimers();
    }
    expect(await app.db.user.count()).toBe(1);
    expect(await app.db.appSetting.count({ where: { key: { startsWith: "setup_code" } } })).toBe(0);
  });
});
