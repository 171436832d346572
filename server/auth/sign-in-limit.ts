import type { Db } from "../db";

/**
 * Failed sign-ins allowed per account in a window, whatever addresses they come from: the per-address
 * limit (SIGN_IN_LIMIT) alone lets a password guesser spread over many addresses. Counted per email
 * address whether an account has it or not, so the refusal does not tell which accounts exist. A right
 * password clears the count; a locked account opens again when the window has passed.
 */
export const ACCOUNT_SIGN_IN_LIMIT = { max: 10, windowMs: 15 * 60_000 };

const normalise = (email: string) => email.trim().toLowerCase();

/** Minutes until the account takes sign-ins again, or null when it takes them now. */
export async function accountLockedFor(db: Db, email: string, now = new Date()): Promise<number | null> {
  const row = await db.signInFailure.findUnique({ where: { email: normalise(email) } });
  if (!row || row.failures < ACCOUNT_SIGN_IN_LIMIT.max) return null;
  const remaining = row.firstFailedAt.getTime() + ACCOUNT_SIGN_IN_LIMIT.windowMs - now.getTime();
  return remaining > 0 ? Math.ceil(remaining / 60_000) : null;
}

/** One more failure in the current window, or the first of a new one; a single statement, so concurrent failures all count. */
export async function recordFailedSignIn(db: Db, email: string, now = new Date()) {
  const windowStart = new Date(now.getTime() - ACCOUNT_SIGN_IN_LIMIT.windowMs);
  await db.$executeRaw`
    INSERT INTO app_sign_in_failure (email, failures, first_failed_at) VALUES (${normalise(email)}, 1, ${now})
    ON CONFLICT (email) DO UPDATE SET
      failures = CASE WHEN app_sign_in_failure.first_failed_at > ${windowStart} THEN app_sign_in_failure.failures + 1 ELSE 1 END,
      first_failed_at = CASE WHEN app_sign_in_failure.first_failed_at > ${windowStart} THEN app_sign_in_failure.first_failed_at ELSE ${now} END`;
  // Counts of windows long past, mostly addresses nobody has, are kept no longer than they matter.
  await db.signInFailure.deleteMany({ where: { firstFailedAt: { lt: windowStart } } });
}

export async function clearFailedSignIns(db: Db, email: string) {
  await db.signInFailure.deleteMany({ where: { email: normalise(email) } });
}
