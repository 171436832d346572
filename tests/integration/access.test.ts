import { beforeEach, describe, expect, test } from "vitest";
import type { Db } from "../../server/db";
import { createTestUser, TEST_PASSWORD, type TestUser } from "../factories/users";
import { callerFor, clientError, requestHeaders, signIn, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let admin: { user: TestUser; caller: Caller };
let staff: { user: TestUser; headers: Headers; caller: Caller };
let courier: TestUser;

beforeEach(async () => {
  await truncateAll(app.db);
  admin = await signedInUser(app, { role: "admin", name: "Alice Admin" });
  staff = await signedInUser(app, { role: "staff" });
  courier = await createTestUser(app.db, { role: "courier" });
});

/** Everything an access change could touch, to show that a refused call touched none of it. */
async function accessState(db: Db) {
  return {
    users: await db.user.findMany({
      orderBy: { id: "asc" },
      select: { id: true, role: true, active: true, email: true, approver: true },
    }),
    accounts: await db.account.count(),
    moduleAccess: await db.moduleAccess.findMany({ orderBy: { userId: "asc" } }),
    sessions: await db.session.count(),
    auditEntries: await db.backupAuditLog.count(),
  };
}

const newUser = { name: "Neil New", email: "neil@example.test", password: TEST_PASSWORD, role: "courier" } as const;

describe("who may manage access", () => {
  const adminCalls = (caller: Caller) => ({
    listUsers: () => caller.access.listUsers(),
    createUser: () => caller.access.createUser(newUser),
    setActive: () => caller.access.setActive({ userId: courier.id, active: false }),
    setRole: () => caller.access.setRole({ userId: courier.id, role: "admin" }),
    setBackupAccess: () => caller.access.setBackupAccess({ userId: courier.id, level: "read" }),
  });

  test("staff are refused every administrative call and nothing changes", async () => {
    const before = await accessState(app.db);
    for (const [name, call] of Object.entries(adminCalls(staff.caller))) {
      await expect(call(), name).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await accessState(app.db)).toEqual(before);
  });

  test("couriers and custodians are refused too", async () => {
    for (const role of ["courier", "custodian"] as const) {
      const { caller } = await signedInUser(app, { role });
      await expect(caller.access.listUsers(), role).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });

  test("anonymous callers must sign in first and nothing changes", async () => {
    const anonymous = await callerFor(app.db, app.auth, requestHeaders());
    const before = await accessState(app.db);
    for (const [name, call] of Object.entries(adminCalls(anonymous))) {
      await expect(call(), name).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    }
    await expect(anonymous.access.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await accessState(app.db)).toEqual(before);
  });

  test("a forged or foreign session cookie is anonymous", async () => {
    const forged = await callerFor(
      app.db,
      app.auth,
      requestHeaders({ cookie: "better-auth.session_token=forged.value" }),
    );
    await expect(forged.access.me()).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("backup module access levels", () => {
  test("everyone writes by default; nothing is overridden", async () => {
    await createTestUser(app.db, { role: "custodian" });
    const users = await admin.caller.access.listUsers();

    expect(users.map((user) => [user.role, user.backupAccess, user.backupAccessOverridden]).sort()).toEqual(
      [
        ["admin", "write", false],
        ["courier", "write", false],
        ["custodian", "write", false],
        ["staff", "write", false],
      ].sort(),
    );
  });

  test("a courier set to read sees read in `me`, and the list shows the override", async () => {
    const courierSession = await signIn(app.auth, courier.email, courier.password);
    await admin.caller.access.setBackupAccess({ userId: courier.id, level: "read" });

    // Each request builds its context afresh, so the courier's next request already sees the change.
    const nextRequest = () => callerFor(app.db, app.auth, courierSession);
    expect(await (await nextRequest()).access.me()).toMatchObject({ id: courier.id, backupAccess: "read" });
    const listed = (await admin.caller.access.listUsers()).find((user) => user.id === courier.id);
    expect(listed).toMatchObject({ backupAccess: "read", backupAccessOverridden: true });

    await admin.caller.access.setBackupAccess({ userId: courier.id, level: "write" });
    expect(await (await nextRequest()).access.me()).toMatchObject({ backupAccess: "write" });
  });

  test("an administrator cannot be set to read", async () => {
    const before = await accessState(app.db);
    const error = await clientError(admin.caller.access.setBackupAccess({ userId: admin.user.id, level: "read" }));

    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toMatch(/Administrators always have write access/);
    expect(await accessState(app.db)).toEqual(before);
  });

  test("promoting a read-only user to admin gives them write", async () => {
    await admin.caller.access.setBackupAccess({ userId: courier.id, level: "read" });
    await admin.caller.access.setRole({ userId: courier.id, role: "admin" });

    const promoted = await callerFor(app.db, app.auth, await signIn(app.auth, courier.email, courier.password));
    expect(await promoted.access.me()).toMatchObject({ role: "admin", backupAccess: "write" });
  });
});

describe("the approver mark", () => {
  test("an administrator marks staff as approvers: listed, in `me`, and audited like other access changes", async () => {
    await admin.caller.access.setApprover({ userId: staff.user.id, approver: true });

    const listed = (await admin.caller.access.listUsers()).find((user) => user.id === staff.user.id);
    expect(listed).toMatchObject({ approver: true });
    const nextRequest = await callerFor(app.db, app.auth, staff.headers);
    expect(await nextRequest.access.me()).toMatchObject({ role: "staff", approver: true });
    const entries = await app.db.backupAuditLog.findMany({ where: { entityId: staff.user.id } });
    expect(entries.map(({ action, changes, actorId }) => ({ action, changes, actorId }))).toEqual([
      { action: "set_access", changes: { approver: { from: false, to: true } }, actorId: admin.user.id },
    ]);
  });

  test("only staff can be marked, and a refused mark writes nothing", async () => {
    await createTestUser(app.db, { role: "custodian" });
    const before = await accessState(app.db);
    for (const [userId, why] of [
      [courier.id, /change the role to staff first/],
      [admin.user.id, /administrators always approve/],
    ] as const) {
      const error = await clientError(admin.caller.access.setApprover({ userId, approver: true }));
      expect(error.data.code).toBe("CONFLICT");
      expect(error.message).toMatch(why);
    }
    expect(await accessState(app.db)).toEqual(before);
  });

  test("staff cannot mark themselves or anyone else", async () => {
    const before = await accessState(app.db);
    const error = await clientError(staff.caller.access.setApprover({ userId: staff.user.id, approver: true }));
    expect(error.data.code).toBe("FORBIDDEN");
    expect(error.message).toBe("As staff you cannot manage users and their access");
    expect(await accessState(app.db)).toEqual(before);
  });

  test("the mark goes with a change of role away from staff, recorded in the same entry", async () => {
    await admin.caller.access.setApprover({ userId: staff.user.id, approver: true });
    await admin.caller.access.setRole({ userId: staff.user.id, role: "courier" });
    await admin.caller.access.setRole({ userId: staff.user.id, role: "staff" });

    expect(await app.db.user.findUniqueOrThrow({ where: { id: staff.user.id } })).toMatchObject({ approver: false });
    const entries = await app.db.backupAuditLog.findMany({
      where: { entityId: staff.user.id },
      orderBy: { id: "asc" },
    });
    expect(entries[1]?.changes).toEqual({
      role: { from: "staff", to: "courier" },
      approver: { from: true, to: false },
    });
  });
});

describe("guards on users", () => {
  test("an administrator cannot deactivate themselves", async () => {
    const before = await accessState(app.db);
    const error = await clientError(admin.caller.access.setActive({ userId: admin.user.id, active: false }));

    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toMatch(/your own account/);
    expect(await accessState(app.db)).toEqual(before);
  });

  test("the last active administrator cannot stop being one", async () => {
    const before = await accessState(app.db);
    const error = await clientError(admin.caller.access.setRole({ userId: admin.user.id, role: "staff" }));

    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toMatch(/one active administrator/);
    expect(await accessState(app.db)).toEqual(before);
  });

  test("with a second administrator, one can be deactivated or demoted", async () => {
    const second = await createTestUser(app.db, { role: "admin" });
    await admin.caller.access.setActive({ userId: second.id, active: false });
    // An inactive administrator does not count: Alice is now the only one left.
    await expect(admin.caller.access.setRole({ userId: admin.user.id, role: "staff" })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    await admin.caller.access.setActive({ userId: second.id, active: true });
    await admin.caller.access.setRole({ userId: second.id, role: "staff" });
    expect(await app.db.user.findUniqueOrThrow({ where: { id: second.id } })).toMatchObject({
      role: "staff",
      active: true,
    });
  });

  test("a duplicate email is a conflict on the email field, whatever its case", async () => {
    const before = await accessState(app.db);
    const error = await clientError(
      admin.caller.access.createUser({ ...newUser, email: `  ${staff.user.email.toUpperCase()} ` }),
    );

    expect(error.data.code).toBe("CONFLICT");
    expect(error.data.field).toBe("email");
    expect(error.message).toContain(staff.user.email);
    expect(await accessState(app.db)).toEqual(before);
  });

  test("a new user gets the role given and can sign in with the password given", async () => {
    const { id } = await admin.caller.access.createUser(newUser);
    const caller = await callerFor(app.db, app.auth, await signIn(app.auth, newUser.email, newUser.password));
    expect(await caller.access.me()).toMatchObject({ id, role: "courier", backupAccess: "write" });
  });

  test("an unknown user id is not found", async () => {
    const missing = "0190a000-0000-7000-8000-000000000000";
    await expect(admin.caller.access.setActive({ userId: missing, active: false })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("audit trail of access changes", () => {
  async function auditEntriesFor(entityId: string) {
    return app.db.backupAuditLog.findMany({ where: { entityId }, orderBy: { id: "asc" } });
  }

  const byAlice = () => ({ entityType: "user", actorId: admin.user.id, actorName: "Alice Admin" });

  test("creating a user writes one entry with every field from nothing", async () => {
    const { id } = await admin.caller.access.createUser(newUser);
    const entries = await auditEntriesFor(id);

    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      ...byAlice(),
      action: "create",
      changes: {
        name: { from: null, to: newUser.name },
        email: { from: null, to: newUser.email },
        role: { from: null, to: "courier" },
        active: { from: null, to: true },
        backupAccess: { from: null, to: "write" },
        approver: { from: null, to: false },
      },
    });
    expect(JSON.stringify(entries[0]!.changes)).not.toContain(newUser.password);
  });

  test("each change writes exactly one entry with the field's before and after", async () => {
    await admin.caller.access.setBackupAccess({ userId: courier.id, level: "read" });
    await admin.caller.access.setActive({ userId: courier.id, active: false });
    await admin.caller.access.setActive({ userId: courier.id, active: true });
    await admin.caller.access.setRole({ userId: courier.id, role: "custodian" });

    const entries = await auditEntriesFor(courier.id);
    expect(entries.map(({ action, changes }) => ({ action, changes }))).toEqual([
      { action: "set_access", changes: { backupAccess: { from: "write", to: "read" } } },
      { action: "deactivate", changes: { active: { from: true, to: false } } },
      { action: "reactivate", changes: { active: { from: false, to: true } } },
      { action: "change_role", changes: { role: { from: "courier", to: "custodian" } } },
    ]);
    for (const entry of entries) expect(entry).toMatchObject(byAlice());
  });

  test("promoting a read-only user records the access that came with the role", async () => {
    await admin.caller.access.setBackupAccess({ userId: courier.id, level: "read" });
    await admin.caller.access.setRole({ userId: courier.id, role: "admin" });

    const last = (await auditEntriesFor(courier.id)).at(-1);
    expect(last?.changes).toEqual({
      role: { from: "courier", to: "admin" },
      backupAccess: { from: "read", to: "write" },
    });
  });

  test("a change that changes nothing writes nothing", async () => {
    await admin.caller.access.setBackupAccess({ userId: courier.id, level: "write" });
    await admin.caller.access.setActive({ userId: courier.id, active: true });
    expect(await auditEntriesFor(courier.id)).toEqual([]);
  });

  test("a refused change writes nothing", async () => {
    const before = await app.db.backupAuditLog.count();
    await admin.caller.access.setBackupAccess({ userId: admin.user.id, level: "read" }).catch(() => {});
    await admin.caller.access.setActive({ userId: admin.user.id, active: false }).catch(() => {});
    await admin.caller.access.createUser({ ...newUser, email: courier.email }).catch(() => {});
    await staff.caller.access.setRole({ userId: courier.id, role: "admin" }).catch(() => {});
    expect(await app.db.backupAuditLog.count()).toBe(before);
  });
});
