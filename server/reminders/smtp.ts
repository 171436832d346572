import type SMTPTransport from "nodemailer/lib/smtp-transport";
import type { Env } from "../env";

// Apart from the mailer, so what only asks whether e-mail is set up (Manage → Notifications) does not load
// nodemailer into the web bundle: only the server process sends mail.

/**
 * How long a mail server may take before a send counts as failed: well within the lease a delivery is
 * claimed for (server/reminders/scheduler.ts), so a slow server cannot make two processes send one digest.
 */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** The mail server the environment names, or null when it names none (the daily digest is then off). */
export function smtpOptions(config: Env): SMTPTransport.Options | null {
  if (config.SMTP_URL) return { url: config.SMTP_URL, ...TIMEOUTS };
  if (!config.SMTP_HOST) return null;
  const secure = config.SMTP_SECURE ?? config.SMTP_PORT === 465;
  return {
    host: config.SMTP_HOST,
    port: config.SMTP_PORT ?? (secure ? 465 : 587),
    secure,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? "" } : undefined,
    ...TIMEOUTS,
  };
}

export const emailConfigured = (config: Env) => smtpOptions(config) !== null;
