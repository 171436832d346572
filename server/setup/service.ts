import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { z } from "zod";
import type { firstAdminSchema } from "../../lib/users";
import { createAuditedUser } from "../access/service";
import type { Db } from "../db";
import { DomainError } from "../errors";
import { transaction } from "../db/transaction";

const SETUP_CODE_KEY = "setup_code_sha256";
// No 0/O or 1/I/L: the code is read off a terminal and typed by hand.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

const sha256 = (value: string) => createHash("sha256").update(value).digest();

function normaliseCode(code: string) {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

export function isLoopback(ip: string | null): boolean {
  if (!ip) return false;
  const address = ip.toLowerCase().startsWith("::ffff:") ? ip.slice(7) : ip;
  if (isIP(address) === 4) return address.startsWith("127.");
  return address === "::1";
}

export async function needsSetup(db: Db) {
  return (await db.user.count()) === 0;
}

/**
 * While no user exists, issues a fresh one-time code (only its hash is stored) for the server to print in
 * its log; a browser on another machine must give it to create the first administrator.
 */
export async function issueSetupCode(db: Db): Promise<string | null> {
  if (!(await needsSetup(db))) return null;
  const raw = Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  const value = sha256(raw).toString("hex");
  await db.appSetting.upsert({
    where: { key: SETUP_CODE_KEY },
    create: { key: SETUP_CODE_KEY, value },
    update: { value },
  });
  return `${raw.slice(0, 4)}-${raw.slice(4)}`;
}

export async function setupStatus(db: Db, clientIp: string | null) {
  return { needsSetup: await needsSetup(db), codeRequired: !isLoopback(clientIp) };
}

export async function createFirstAdmin(db: Db, clientIp: string | null, input: z.infer<typeof firstAdminSchema>) {
  return transaction(db, async (tx) => {
    // Two browsers racing through setup: the lock makes the second one see the first administrator.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727001)`;
    if ((await tx.user.count()) > 0) {
      throw new DomainError("CONFLICT", "Backup Monitor is already set up. Sign in instead.");
    }
    if (!isLoopback(clientIp)) {
      const stored = await tx.appSetting.findUnique({ where: { key: SETUP_CODE_KEY } });
      const given = sha256(normaliseCode(input.setupCode ?? ""));
      if (!stored || !timingSafeEqual(Buffer.from(stored.value, "hex"), given)) {
        throw new DomainError(
          "FORBIDDEN",
          "The setup code is not right. Use the code printed in the server's log.",
          "setupCode",
        );
      }
    }
    const user = await createAuditedUser(tx, "self", { ...input, role: "admin" });
    await tx.appSetting.deleteMany({ where: { key: SETUP_CODE_KEY } });
    return { id: user.id, email: user.email };
  });
}
