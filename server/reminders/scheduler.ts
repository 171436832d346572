import os from "node:os";
import type { Prisma } from "../../generated/prisma/client";
import type { Db } from "../db";
import type { Env } from "../env";
import { utcDay } from "../rotation/sql";
import { needsAttention } from "./attention";
import { digestMessage } from "./digest";
import { createMailer, type Mailer } from "./mailer";

/** How often a server process looks for digests to send. */
const CHECK_EVERY_MS = 60_000;
/**
 * How long a delivery being sent is held by the process sending it, so another process (or this one after
 * a restart) leaves it alone: much longer than the mail server may take (server/reminders/smtp.ts).
 */
export const DIGEST_LEASE_MS = 10 * 60_000;
const FIRST_RETRY_MS = 5 * 60_000;
const LAST_RETRY_MS = 2 * 3_600_000;

/** How long after its `attempts`-th failed try a digest is tried again: 5 minutes, doubling, at most 2 hours. */
export const retryDelay = (attempts: number) =>
  Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LAST_RETRY_MS);

/** Who receives the daily digest: active users (every one may read the backup module) who turned it on. */
const recipients = {
  active: true,
  email: { not: "" },
  notificationPreference: { is: { dailyDigest: true } },
} satisfies Prisma.UserWhereInput;

type Log = Pick<Console, "error">;
export type DigestOptions = { mailer: Mailer; digestHour: number; appUrl: string; now?: Date; log?: Log };

/**
 * One pass of the daily digest, from the digest hour (UTC) on: each recipient without a digest sent today gets
 * one, if anything needs attention. The day's DigestDelivery row is written before sending (one per user and
 * day, by a unique index) and claimed for DIGEST_LEASE_MS by a conditional update, so two server processes
 * never send the same one and a restart sends what is still due but nothing sent already. A failed send is
 * logged and tried again after `retryDelay`, for the rest of its day.
 */
export async function sendDueDigests(
  db: Db,
  { mailer, digestHour, appUrl, now = new Date(), log = console }: DigestOptions,
) {
  const result = { sent: 0, failed: 0 };
  if (now.getUTCHours() < digestHour) return result;
  const day = utcDay(now);
  const waiting = await db.user.findMany({
    where: { ...recipients, digestDeliveries: { none: { day, sentAt: { not: null } } } },
    select: { id: true },
  });
  if (waiting.length === 0) return result;
  const attention = await needsAttention(db, now);
  if (attention.total === 0) return result;
  await db.digestDelivery.createMany({ data: waiting.map((user) => ({ userId: user.id, day })), skipDuplicates: true });
  const claimed = await db.digestDelivery.updateManyAndReturn({
    where: {
      day,
      sentAt: null,
      OR: [{ nextTryAt: null }, { nextTryAt: { lte: now } }],
      user: recipients,
    },
    data: { attempts: { increment: 1 }, nextTryAt: new Date(now.getTime() + DIGEST_LEASE_MS) },
    select: { id: true, attempts: true, user: { select: { email: true, name: true } } },
  });
  for (const delivery of claimed) {
    const message = digestMessage(attention, { appUrl, recipientName: delivery.user.name })!;
    try {
      await mailer.send({ to: delivery.user.email, ...message });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const nextTryAt = new Date(now.getTime() + retryDelay(delivery.attempts));
      await db.digestDelivery.update({
        where: { id: delivery.id },
        data: { lastError: reason.slice(0, 1000), nextTryAt },
      });
      log.error(
        `  The daily digest to ${delivery.user.email} was not sent (attempt ${delivery.attempts}): ${reason}; next try at ${nextTryAt.toISOString()}`,
      );
      result.failed++;
      continue;
    }
    await db.digestDelivery.update({
      where: { id: delivery.id },
      data: { sentAt: new Date(), lastError: null, nextTryAt: null },
    });
    result.sent++;
  }
  return result;
}

/** The app's address for the digest's links: APP_URL, or this machine's name and port. */
export function digestAppUrl(config: Env) {
  return config.APP_URL ?? `http://${config.HOSTNAME === "0.0.0.0" ? os.hostname() : config.HOSTNAME}:${config.PORT}`;
}

export type DigestScheduler = { stop(): Promise<void> };

/**
 * Runs `sendDueDigests` every minute in this server process, when a mail server is set (null otherwise). A
 * failing pass is logged and the next one runs as usual: nothing here can stop the server. Its timer does
 * not keep the process alive; `stop` waits for a pass under way.
 */
export function startDigestScheduler(db: Db, config: Env, log: Log = console): DigestScheduler | null {
  const mailer = createMailer(config);
  if (!mailer) return null;
  const options = { mailer, digestHour: config.DIGEST_HOUR, appUrl: digestAppUrl(config), log };
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      running = sendDueDigests(db, { ...options, now: new Date() })
        .then(
          () => undefined,
          (error: unknown) => log.error("  The daily digest could not run; it runs again in a minute:", error),
        )
        .finally(() => {
          running = null;
          if (!stopped) schedule();
        });
    }, CHECK_EVERY_MS);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      mailer.close();
    },
  };
}
