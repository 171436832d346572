import { hashPassword } from "better-auth/crypto";
import type { NewUser } from "../../lib/users";
import type { Tx } from "../db";
import { DomainError } from "../errors";

/**
 * Creates a user who signs in with email and password, hashed by the auth library so its sign-in
 * verifies it. Runs inside the caller's transaction so the user and its audit entry commit together.
 */
export async function createCredentialUser(tx: Tx, input: NewUser) {
  const existing = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw new DomainError("CONFLICT", `A user with the email ${input.email} already exists`, "email");
  const user = await tx.user.create({
    data: { name: input.name, email: input.email, role: input.role, emailVerified: true },
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
