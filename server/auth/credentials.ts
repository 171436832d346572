import { hashPassword, verifyPassword } from "better-auth/crypto";
import type { ChangePassword } from "../../lib/password";
import type { NewUser } from "../../lib/users";
import type { Tx } from "../db";
import { DomainError, isUniqueViolation } from "../errors";

/**
 * Creates a user who signs in with email and password, hashed by the auth library so its sign-in
 * verifies it. Runs inside the caller's transaction so the user and its audit entry commit together.
 */
export async function createCredentialUser(tx: Tx, input: NewUser) {
  const taken = () => new DomainError("CONFLICT", `A user with the email ${input.email} already exists`, "email");
  if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) throw taken();
  // Two creations of one email at once both pass the check above; the unique email decides.
  const user = await tx.user
    .create({ data: { name: input.name, email: input.email, role: input.role, emailVerified: true } })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? taken() : error;
    });
  await tx.account.create({
    data: {
      userId: user.id,
      accountId: user.id,
      providerId: "credential",
      password: await hashPassword(input.password),
    },
  });
  return user;
}

/** Replaces a user's password once their current one is verified; false when it is not right. */
export async function replacePassword(tx: Tx, userId: string, input: ChangePassword): Promise<boolean> {
  const account = await tx.account.findFirst({ where: { userId, providerId: "credential" } });
  if (!account?.password || !(await verifyPassword({ hash: account.password, password: input.currentPassword }))) {
    return false;
  }
  await tx.account.update({ where: { id: account.id }, data: { password: await hashPassword(input.newPassword) } });
  return true;
}
