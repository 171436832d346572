import type { ChangePassword } from "../../lib/password";
import type { AuditAction } from "../../lib/audit";
import { takesApproverMark } from "../../lib/capabilities";
import type { NewUser } from "../../lib/users";
import type { AccessLevel, Role } from "../../lib/vocabulary";
import { recordAudit, diffFields, type Actor, type Changes } from "../audit/service";
import { createCredentialUser, replacePassword } from "../auth/credentials";
import { accountLockedFor, recordFailedSignIn } from "../auth/sign-in-limit";
import { viewerCache } from "../auth/viewer-cache";
import type { Db, Tx } from "../db";
import { DomainError, notFound } from "../errors";
import { BACKUP_MODULE, effectiveAccess } from "./rules";
import { transaction } from "../db/transaction";

const AUDITED_USER_FIELDS = ["name", "email", "role", "active", "backupAccess", "approver"] as const;

type UserSnapshot = {
  name: string;
  email: string;
  role: Role;
  active: boolean;
  backupAccess: AccessLevel;
  approver: boolean;
};

async function loadUser(tx: Tx, userId: string) {
  const user = await tx.user.findUnique({
    where: { id: userId },
    include: { moduleAccess: { where: { module: BACKUP_MODULE } } },
  });
  if (!user) throw notFound("The user");
  const snapshot: UserSnapshot = {
    name: user.name,
    email: user.email,
    role: user.role,
    active: user.active,
    backupAccess: effectiveAccess(user.role, user.moduleAccess[0]?.level),
    approver: user.approver,
  };
  return { user, snapshot };
}

/** Held by every change that could leave no active administrator, until it commits. */
const ADMINISTRATORS_LOCK = 727002;

/**
 * Refuses a change that would leave no active administrator. Two administrators demoting each other at
 * once would each count the other and both succeed; the lock makes the second count after the first
 * committed (each statement of a READ COMMITTED transaction sees what committed before it began).
 */
async function assertAnotherActiveAdmin(tx: Tx, userId: string, what: string) {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADMINISTRATORS_LOCK})`;
  const others = await tx.user.count({ where: { role: "admin", active: true, id: { not: userId } } });
  if (others === 0) throw new DomainError("CONFLICT", `${what}: there must always be one active administrator`);
}

export async function listUsers(db: Db) {
  const users = await db.user.findMany({
    orderBy: [{ active: "desc" }, { name: "asc" }],
    include: { moduleAccess: { where: { module: BACKUP_MODULE } } },
  });
  return users.map((user) => ({
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    active: user.active,
    createdAt: user.createdAt,
    backupAccess: effectiveAccess(user.role, user.moduleAccess[0]?.level),
    backupAccessOverridden: user.role !== "admin" && user.moduleAccess.length > 0,
    approver: user.approver,
  }));
}

/** Creates a sign-in account and its audit entry in the caller's transaction. */
export async function createAuditedUser(tx: Tx, actor: Actor | "self", input: NewUser) {
  const user = await createCredentialUser(tx, input);
  recordAudit(tx, {
    entityType: "user",
    entityId: user.id,
    action: "create",
    changes: diffFields(null, { ...user, backupAccess: effectiveAccess(user.role, null) }, AUDITED_USER_FIELDS),
    actor: actor === "self" ? { id: user.id, name: user.name } : actor,
  });
  return user;
}

export async function createUser(db: Db, actor: Actor, input: NewUser) {
  const user = await transaction(db, (tx) => createAuditedUser(tx, actor, input));
  return { id: user.id };
}

/** Applies one change to a user and audits the before → after of the fields that moved. */
async function changeUser(
  db: Db,
  actor: Actor,
  userId: string,
  action: AuditAction,
  apply: (tx: Tx, before: Awaited<ReturnType<typeof loadUser>>) => Promise<void>,
) {
  const changed = await transaction(db, async (tx) => {
    const before = await loadUser(tx, userId);
    await apply(tx, before);
    const after = await loadUser(tx, userId);
    const changes = diffFields(before.snapshot, after.snapshot, AUDITED_USER_FIELDS);
    if (Object.keys(changes).length > 0) {
      recordAudit(tx, { entityType: "user", entityId: userId, action, changes, actor });
    }
    return after.snapshot;
  });
  // After the commit: a session check that read the old row before it is not kept either (see ViewerCache).
  viewerCache().forgetUser(userId);
  return changed;
}

export function setUserActive(db: Db, actor: Actor, userId: string, active: boolean) {
  return changeUser(db, actor, userId, active ? "reactivate" : "deactivate", async (tx, { user }) => {
    if (!active && userId === actor.id) throw new DomainError("CONFLICT", "You cannot deactivate your own account");
    if (!active && user.role === "admin") await assertAnotherActiveAdmin(tx, userId, "Cannot deactivate");
    await tx.user.update({ where: { id: userId }, data: { active } });
    // A deactivated user is signed out everywhere at once.
    if (!active) await tx.session.deleteMany({ where: { userId } });
  });
}

export function setUserRole(db: Db, actor: Actor, userId: string, role: Role) {
  return changeUser(db, actor, userId, "change_role", async (tx, { user }) => {
    if (user.role === "admin" && role !== "admin") await assertAnotherActiveAdmin(tx, userId, "Cannot change the role");
    // The approver mark goes with a change to a role it means nothing for, not to return with staff later.
    const approver = takesApproverMark(role) ? {} : { approver: false };
    await tx.user.update({ where: { id: userId }, data: { role, ...approver } });
  });
}

export function setBackupAccess(db: Db, actor: Actor, userId: string, level: AccessLevel) {
  return changeUser(db, actor, userId, "set_access", async (tx, { user }) => {
    if (user.role === "admin" && level !== "write") {
      throw new DomainError("CONFLICT", "Administrators always have write access; change the role first");
    }
    await tx.moduleAccess.upsert({
      where: { userId_module: { userId, module: BACKUP_MODULE } },
      create: { userId, module: BACKUP_MODULE, level },
      update: { level },
    });
  });
}

/** Marks a staff member as able to approve, or no longer; administrators approve without the mark. */
export function setApprover(db: Db, actor: Actor, userId: string, approver: boolean) {
  return changeUser(db, actor, userId, "set_access", async (tx, { user }) => {
    if (approver && !takesApproverMark(user.role)) {
      const why = user.role === "admin" ? "administrators always approve" : "change the role to staff first";
      throw new DomainError("CONFLICT", `Only staff can be marked as approvers: ${why}`);
    }
    await tx.user.update({ where: { id: userId }, data: { approver } });
  });
}

/**
 * A signed-in user replaces their own password, with the rule every new password follows and an audit
 * entry. Every other session of the user ends with it (whoever learnt the old password is signed out);
 * the one making the change stays. A wrong current password changes nothing and counts as a failed
 * sign-in of the account, so this cannot be used to guess it past the sign-in limit.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor & { id: string },
  currentSessionToken: string | null,
  input: ChangePassword,
): Promise<{ otherSessionsEnded: number }> {
  const { email } = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { email: true } });
  const lockedFor = await accountLockedFor(db, email);
  if (lockedFor !== null) {
    throw new DomainError("TOO_MANY_REQUESTS", `Too many failed attempts. Try again in ${lockedFor} minutes.`);
  }
  const ended = await transaction(db, async (tx) => {
    if (!(await replacePassword(tx, actor.id, input))) return null;
    const { count } = await tx.session.deleteMany({
      where: { userId: actor.id, ...(currentSessionToken ? { token: { not: currentSessionToken } } : {}) },
    });
    const changes: Changes = count > 0 ? { otherSessions: { from: count, to: 0 } } : {};
    recordAudit(tx, { entityType: "user", entityId: actor.id, action: "change_password", changes, actor });
    return count;
  });
  if (ended === null) {
    await recordFailedSignIn(db, email);
    throw new DomainError("BAD_REQUEST", "Your current password is not right", "currentPassword");
  }
  // After the commit, as for every change to a user: no remembered check keeps an ended session reading.
  if (ended > 0) viewerCache().forgetUser(actor.id);
  return { otherSessionsEnded: ended };
}
