import type { AccessLevel, Role } from "../../lib/vocabulary";
import { BACKUP_MODULE } from "../../server/access/rules";
import { createCredentialUser } from "../../server/auth/credentials";
import type { Db } from "../../server/db";

/** Satisfies the password rule; every factory user has it unless a test picks another. */
export const TEST_PASSWORD = "tape-vault-2024-secure";

let sequence = 0;

export type TestUser = { id: string; name: string; email: string; role: Role; password: string };

/**
 * A user who can sign in, created the way the app creates accounts but without an audit entry, so tests
 * counting audit rows see only what the code under test wrote.
 */
export async function createTestUser(
  db: Db,
  options: {
    role?: Role;
    name?: string;
    email?: string;
    password?: string;
    active?: boolean;
    backupAccess?: AccessLevel;
  } = {},
): Promise<TestUser> {
  sequence += 1;
  const role = options.role ?? "staff";
  const name = options.name ?? `Test ${role} ${sequence}`;
  const email = options.email ?? `${role}-${sequence}-${Date.now().toString(36)}@example.test`;
  const password = options.password ?? TEST_PASSWORD;
  const user = await db.$transaction((tx) => createCredentialUser(tx, { name, email, password, role }));
  if (options.active === false) await db.user.update({ where: { id: user.id }, data: { active: false } });
  if (options.backupAccess) {
    await db.moduleAccess.create({ data: { userId: user.id, module: BACKUP_MODULE, level: options.backupAccess } });
  }
  return { id: user.id, name, email, role, password };
}
