import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { parseEnv } from "../../server/env";
import { createMailer, type Mailer } from "../../server/reminders/mailer";
import { DIGEST_LEASE_MS, sendDueDigests } from "../../server/reminders/scheduler";
import { utcDay } from "../../server/rotation/sql";
import { createTestUser } from "../factories/users";
import { attentionWorld, NOW } from "../helpers/attention-world";
import { signedInUser, useTestApp } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

type Received = { to: string[]; raw: string };

/** A mail server on a free port that keeps what it receives and refuses the next `refuse` messages. */
const smtp = { received: [] as Received[], refuse: 0, port: 0 };
let server: SMTPServer;
let mailer: Mailer;

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (smtp.refuse > 0) {
          smtp.refuse--;
          callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
          return;
        }
        smtp.received.push({
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  smtp.port = (server.server.address() as AddressInfo).port;
  mailer = createMailer(
    parseEnv({
      SMTP_HOST: "127.0.0.1",
      SMTP_PORT: String(smtp.port),
      MAIL_FROM: "Backup Monitor <tapes@example.test>",
    } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv),
  )!;
});

afterAll(async () => {
  mailer?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A message's body as written: quoted-printable soft breaks joined and escapes decoded. */
function body(raw: string) {
  const bytes = raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

const logged: string[] = [];
const log = { error: (...parts: unknown[]) => logged.push(parts.map(String).join(" ")) };
const options = (now: Date) => ({ mailer, digestHour: 6, appUrl: "https://tapes.example.test", now, log });
const at = (time: string) => new Date(`${NOW.toISOString().slice(0, 10)}T${time}Z`);
const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

async function optIn(userId: string) {
  await app.db.notificationPreference.create({ data: { userId, dailyDigest: true } });
}

beforeEach(async () => {
  await truncateAll(app.db);
  smtp.received = [];
  smtp.refuse = 0;
  logged.length = 0;
});

describe("the daily digest", () => {
  test("goes to each active user who turned it on, read-only users too, with the counts and the items", async () => {
    const world = await attentionWorld(app.db);
    const staff = await createTestUser(app.db, { role: "staff", name: "Sam Staff" });
    const reader = await createTestUser(app.db, { role: "courier", backupAccess: "read", name: "Rita Reader" });
    const optedOut = await createTestUser(app.db, { role: "admin" });
    const turnedOff = await createTestUser(app.db, { role: "staff" });
    const deactivated = await createTestUser(app.db, { role: "staff", active: false });
    for (const user of [staff, reader, deactivated]) await optIn(user.id);
    await app.db.notificationPreference.create({ data: { userId: turnedOff.id, dailyDigest: false } });

    expect(await sendDueDigests(app.db, options(NOW))).toEqual({ sent: 2, failed: 0 });
    expect(smtp.received.map((message) => message.to).sort()).toEqual([[reader.email], [staff.email]].sort());
    expect(smtp.received.flatMap((message) => message.to)).not.toContain(optedOut.email);

    const message = smtp.received.find((received) => received.to[0] === staff.email)!;
    const text = body(message.raw);
    expect(text).toContain("From: Backup Monitor <tapes@example.test>");
    expect(text).toContain("Subject: Backup Monitor, 10 Mar 2026: 7 items need attention");
    expect(text).toContain("Hello Sam Staff,");
    expect(text).toContain("2 cartridges to send off site (1 overdue)");
    expect(text).toContain(`${world.send[0]!.barcode}: send by 1 Mar 2026 (overdue), at Server room`);
    expect(text).toContain(`${world.bringBack.barcode}: bring back by 1 Mar 2026 (overdue), at Vault <B> & Co`);
    expect(text).toContain("1 consignment overdue in transit");
    expect(text).toContain("C-2026-0001: Server room to Vault <B> & Co, dispatched 7 Mar 2026, 00:00 UTC");
    expect(text).toContain("2 cartridges missing or lost in consignments");
    expect(text).toContain(`${world.lostTape.barcode}: lost in C-2026-0002`);
    expect(text).toContain("C-2026-0002: Seal 4471 broken");
    expect(text).toContain(`${world.auditMissing.barcode}: missing at Annex (audit I-2026-0001)`);
    expect(text).toContain("2 sites due for an inventory audit");
    expect(text).toContain("Server room: last complete audit never");
    expect(text).toContain("https://tapes.example.test/backup/rotation/send");
    expect(text).toContain(`https://tapes.example.test/backup/audits/${world.audit.id}`);
    // The HTML part escapes what people typed.
    expect(text).toContain("at Vault &lt;B&gt; &amp; Co");
    expect(text).not.toMatch(/<li>[^<]*Vault <B>/);

    const rows = await app.db.digestDelivery.findMany();
    expect(rows).toHaveLength(2);
    expect(rows.every((row) => row.sentAt && row.attempts === 1 && row.day.getTime() === utcDay(NOW).getTime())).toBe(
      true,
    );
  });

  test("nothing is sent, and nothing recorded, when nothing needs attention or before the digest hour", async () => {
    const user = await createTestUser(app.db);
    await optIn(user.id);
    expect(await sendDueDigests(app.db, options(NOW))).toEqual({ sent: 0, failed: 0 });
    await attentionWorld(app.db);
    expect(await sendDueDigests(app.db, options(at("05:59:59")))).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received).toEqual([]);
    expect(await app.db.digestDelivery.count()).toBe(0);
  });

  test("never twice a day, even from two server processes at once; again the next day", async () => {
    await attentionWorld(app.db);
    const users = await Promise.all([createTestUser(app.db), createTestUser(app.db)]);
    for (const user of users) await optIn(user.id);
    const runs = await Promise.all([sendDueDigests(app.db, options(NOW)), sendDueDigests(app.db, options(NOW))]);
    expect(runs.reduce((sum, run) => sum + run.sent, 0)).toBe(2);
    await sendDueDigests(app.db, options(at("23:59:00")));
    expect(smtp.received).toHaveLength(2);
    const tomorrow = later(NOW, 86_400_000);
    expect(await sendDueDigests(app.db, options(tomorrow))).toEqual({ sent: 2, failed: 0 });
    expect(smtp.received.map((message) => message.to[0]).sort()).toEqual(
      [...users, ...users].map((user) => user.email).sort(),
    );
  });

  test("a refused send is logged and tried again after the backoff, then sent once", async () => {
    await attentionWorld(app.db);
    const user = await createTestUser(app.db);
    await optIn(user.id);
    smtp.refuse = 1;
    expect(await sendDueDigests(app.db, options(NOW))).toEqual({ sent: 0, failed: 1 });
    const failed = await app.db.digestDelivery.findFirstOrThrow();
    expect(failed).toMatchObject({ attempts: 1, sentAt: null, nextTryAt: later(NOW, 5 * 60_000) });
    expect(failed.lastError).toContain("Mailbox busy");
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`The daily digest to ${user.email} was not sent (attempt 1)`);

    expect(await sendDueDigests(app.db, options(later(NOW, 4 * 60_000)))).toEqual({ sent: 0, failed: 0 });
    expect(await sendDueDigests(app.db, options(later(NOW, 5 * 60_000)))).toEqual({ sent: 1, failed: 0 });
    const sent = await app.db.digestDelivery.findFirstOrThrow();
    expect(sent).toMatchObject({ attempts: 2, lastError: null, nextTryAt: null });
    expect(sent.sentAt).not.toBeNull();
    expect(smtp.received).toHaveLength(1);
  });

  test("after a restart, a digest claimed by a process that stopped is sent once its lease runs out", async () => {
    await attentionWorld(app.db);
    const user = await createTestUser(app.db);
    await optIn(user.id);
    // What a process leaves behind when it stops between claiming a digest and sending it.
    await app.db.digestDelivery.create({
      data: { userId: user.id, day: utcDay(NOW), attempts: 1, nextTryAt: later(NOW, DIGEST_LEASE_MS) },
    });
    expect(await sendDueDigests(app.db, options(later(NOW, 60_000)))).toEqual({ sent: 0, failed: 0 });
    expect(await sendDueDigests(app.db, options(later(NOW, DIGEST_LEASE_MS)))).toEqual({ sent: 1, failed: 0 });
    expect(await sendDueDigests(app.db, options(later(NOW, DIGEST_LEASE_MS + 60_000)))).toEqual({
      sent: 0,
      failed: 0,
    });
    expect(smtp.received).toHaveLength(1);
  });

  test("a user who turns it off before it goes gets none", async () => {
    await attentionWorld(app.db);
    const user = await createTestUser(app.db);
    await optIn(user.id);
    smtp.refuse = 1;
    await sendDueDigests(app.db, options(NOW));
    await app.db.notificationPreference.update({ where: { userId: user.id }, data: { dailyDigest: false } });
    expect(await sendDueDigests(app.db, options(later(NOW, 3_600_000)))).toEqual({ sent: 0, failed: 0 });
    expect(smtp.received).toEqual([]);
  });
});

describe("Manage → Notifications", () => {
  test("each user turns their own digest on and off, audited; the same choice again changes nothing", async () => {
    const { user, caller } = await signedInUser(app, { role: "courier", backupAccess: "read" });
    expect(await caller.notifications.get()).toMatchObject({
      dailyDigest: false,
      email: user.email,
      emailConfigured: false,
      digestHour: 6,
      lastSentAt: null,
      failing: null,
    });
    expect(await caller.notifications.set({ dailyDigest: true })).toEqual({ dailyDigest: true });
    expect(await caller.notifications.set({ dailyDigest: true })).toEqual({ dailyDigest: true });
    await caller.notifications.set({ dailyDigest: false });
    const entries = await app.db.backupAuditLog.findMany({
      where: { entityType: "user", entityId: user.id, action: "set_notifications" },
      orderBy: { id: "asc" },
    });
    expect(entries.map((entry) => entry.changes)).toEqual([
      { dailyDigest: { from: false, to: true } },
      { dailyDigest: { from: true, to: false } },
    ]);
    expect(entries.every((entry) => entry.actorId === user.id)).toBe(true);
  });

  test("shows when the last digest was sent, and a failure still being retried", async () => {
    await attentionWorld(app.db);
    const { user, caller } = await signedInUser(app);
    await caller.notifications.set({ dailyDigest: true });
    await sendDueDigests(app.db, options(NOW));
    const { lastSentAt } = await caller.notifications.get();
    expect(lastSentAt).toBeInstanceOf(Date);
    smtp.refuse = 1;
    await sendDueDigests(app.db, options(later(NOW, 86_400_000)));
    const status = await caller.notifications.get();
    expect(status.lastSentAt).toEqual(lastSentAt);
    expect(status.failing).toMatchObject({ attempts: 1, lastError: expect.stringContaining("Mailbox busy") });
    expect(smtp.received.map((message) => message.to[0])).toEqual([user.email]);
  });
});
