import type { NotificationSettings } from "../../lib/reminders";
import { recordAudit, type Actor } from "../audit/service";
import type { Db } from "../db";
import { transaction } from "../db/transaction";

/**
 * A user's own notification settings and how their daily digest went: the last one sent, and today's when
 * it is still being tried (attempts, the mail server's last answer, the next try).
 */
export async function notificationStatus(db: Db, userId: string) {
  const [preference, lastSent, pending] = await Promise.all([
    db.notificationPreference.findUnique({ where: { userId }, select: { dailyDigest: true } }),
    db.digestDelivery.findFirst({
      where: { userId, sentAt: { not: null } },
      orderBy: { day: "desc" },
      select: { day: true, sentAt: true },
    }),
    db.digestDelivery.findFirst({
      where: { userId, sentAt: null, lastError: { not: null } },
      orderBy: { day: "desc" },
      select: { day: true, attempts: true, lastError: true, nextTryAt: true },
    }),
  ]);
  return {
    dailyDigest: preference?.dailyDigest ?? false,
    lastSentAt: lastSent?.sentAt ?? null,
    // A failure older than the last digest sent is history, not news.
    failing: pending && (!lastSent || pending.day > lastSent.day) ? pending : null,
  };
}

/** Turns the actor's own daily digest on or off, audited on their user; setting it as it is changes nothing. */
export async function setNotifications(db: Db, actor: Actor & { id: string }, input: NotificationSettings) {
  return transaction(db, async (tx) => {
    const before = await tx.notificationPreference.findUnique({ where: { userId: actor.id } });
    const from = before?.dailyDigest ?? false;
    if (from === input.dailyDigest) return { dailyDigest: from };
    await tx.notificationPreference.upsert({
      where: { userId: actor.id },
      create: { userId: actor.id, dailyDigest: input.dailyDigest },
      update: { dailyDigest: input.dailyDigest },
    });
    recordAudit(tx, {
      entityType: "user",
      entityId: actor.id,
      action: "set_notifications",
      changes: { dailyDigest: { from, to: input.dailyDigest } },
      actor,
    });
    return { dailyDigest: input.dailyDigest };
  });
}
