import { createHash, randomInt, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import type { firstAdminSchema } from "../../lib/users";
import { createAuditedUser } from "../access/service";
import type { Db, Tx } from "../db";
import { DomainError } from "../errors";
import { transaction } from "../db/transaction";

const SETUP_CODE_KEY = "setup_code_sha256";
const SETUP_FAILURES_KEY = "setup_code_failures";
// No 0/O or 1/I/L: the code is read off a terminal and typed by hand.
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** 16 characters of 31: about 79 bits, beyond guessing even without the limit below. */
const CODE_LENGTH = 16;
/** Wrong codes accepted per window before every attempt is refused until the window has passed. */
export const SETUP_CODE_LIMIT = { max: 5, windowMs: 15 * 60_000 };

const sha256 = (value: string) => createHash("sha256").update(value).digest();

function normaliseCode(code: string) {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, "");
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
  const raw = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join("");
  const value = sha256(raw).toString("hex");
  await db.appSetting.upsert({
    where: { key: SETUP_CODE_KEY },
    create: { key: SETUP_CODE_KEY, value },
    update: { value },
  });
  return raw.match(/.{4}/g)!.join("-");
}

/** `sameMachine`: the request came from a browser on the server's own machine (see server/http/client-address.ts). */
export async function setupStatus(db: Db, sameMachine: boolean) {
  return { needsSetup: await needsSetup(db), codeRequired: !sameMachine };
}

type Failures = { count: number; since: number };

/** Checks the code given against the stored one, counting wrong ones; null when it is right. */
async function refuseSetupCode(tx: Tx, code: string | undefined): Promise<DomainError | null> {
  const now = Date.now();
  const row = await tx.appSetting.findUnique({ where: { key: SETUP_FAILURES_KEY } });
  const recorded = row ? (JSON.parse(row.value) as Failures) : null;
  const failures = recorded && now - recorded.since < SETUP_CODE_LIMIT.windowMs ? recorded : { count: 0, since: now };
  if (failures.count >= SETUP_CODE_LIMIT.max) {
    const minutes = Math.ceil((failures.since + SETUP_CODE_LIMIT.windowMs - now) / 60_000);
    return new DomainError(
      "TOO_MANY_REQUESTS",
      `Too many wrong setup codes. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}, or set up from a browser on the server itself.`,
      "setupCode",
    );
  }
  const stored = await tx.appSetting.findUnique({ where: { key: SETUP_CODE_KEY } });
  const given = sha256(normaliseCode(code ?? ""));
  if (stored && timingSafeEqual(Buffer.from(stored.value, "hex"), given)) return null;
  const value = JSON.stringify({ count: failures.count + 1, since: failures.since } satisfies Failures);
  await tx.appSetting.upsert({
    where: { key: SETUP_FAILURES_KEY },
    create: { key: SETUP_FAILURES_KEY, value },
    update: { value },
  });
  return new DomainError(
    "FORBIDDEN",
    "The setup code is not right. Use the code printed in the server's log.",
    "setupCode",
  );
}

export async function createFirstAdmin(db: Db, sameMachine: boolean, input: z.infer<typeof firstAdminSchema>) {
  // A refused code is returned, not thrown, so the count of wrong codes commits with the refusal.
  const outcome = await transaction(db, async (tx) => {
    // Two browsers racing through setup: the lock makes the second one see the first administrator.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(727001)`;
    if ((await tx.user.count()) > 0) {
      throw new DomainError("CONFLICT", "Backup Monitor is already set up. Sign in instead.");
    }
    const refusal = sameMachine ? null : await refuseSetupCode(tx, input.setupCode);
    if (refusal) return { refusal };
    const user = await createAuditedUser(tx, "self", { ...input, role: "admin" });
    await tx.appSetting.deleteMany({ where: { key: { in: [SETUP_CODE_KEY, SETUP_FAILURES_KEY] } } });
    return { created: { id: user.id, email: user.email } };
  });
  if ("refusal" in outcome) throw outcome.refusal;
  return outcome.created;
}
