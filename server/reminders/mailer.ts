import nodemailer from "nodemailer";
import type { Env } from "../env";
import { smtpOptions } from "./smtp";

export type MailMessage = { to: string; subject: string; text: string; html: string };

/** Sends one message, or throws why the mail server did not take it. */
export type Mailer = { send(message: MailMessage): Promise<void>; close(): void };

/** A mailer for the environment's mail server, sending as MAIL_FROM; null when no mail server is set. */
export function createMailer(config: Env): Mailer | null {
  const options = smtpOptions(config);
  if (!options) return null;
  const transport = nodemailer.createTransport(options);
  return {
    async send(message) {
      await transport.sendMail({ from: config.MAIL_FROM, ...message });
    },
    close: () => transport.close(),
  };
}
