import { describe, expect, test } from "vitest";
import { InvalidEnvironmentError, parseEnv } from "../../server/env";
import { emailConfigured, smtpOptions } from "../../server/reminders/mailer";
import { digestAppUrl } from "../../server/reminders/scheduler";

const only = (vars: Record<string, string>) => vars as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv;

function envError(vars: Record<string, string>): string {
  try {
    parseEnv(only(vars));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    return (error as Error).message;
  }
  throw new Error("Expected the environment to be rejected");
}

const FROM = { MAIL_FROM: "Backup Monitor <tapes@example.com>" };

describe("the mail server from the environment", () => {
  test("none set: e-mail is off, and the digest hour is 6 UTC", () => {
    const config = parseEnv(only({}));
    expect(emailConfigured(config)).toBe(false);
    expect(config.DIGEST_HOUR).toBe(6);
  });

  test("SMTP_URL is used as given", () => {
    const config = parseEnv(only({ SMTP_URL: "smtps://tapes:secret@mail.example.com", ...FROM, DIGEST_HOUR: "7" }));
    expect(smtpOptions(config)).toMatchObject({ url: "smtps://tapes:secret@mail.example.com" });
    expect(config.DIGEST_HOUR).toBe(7);
  });

  test("SMTP_HOST: port 587 with STARTTLS by default, 465 when secure, a login when a user is given", () => {
    expect(smtpOptions(parseEnv(only({ SMTP_HOST: "mail.example.com", ...FROM })))).toMatchObject({
      host: "mail.example.com",
      port: 587,
      secure: false,
      auth: undefined,
    });
    expect(
      smtpOptions(
        parseEnv(
          only({
            SMTP_HOST: "mail.example.com",
            SMTP_SECURE: "true",
            SMTP_USER: "tapes",
            SMTP_PASSWORD: "pw",
            ...FROM,
          }),
        ),
      ),
    ).toMatchObject({ port: 465, secure: true, auth: { user: "tapes", pass: "pw" } });
    expect(smtpOptions(parseEnv(only({ SMTP_HOST: "mail.example.com", SMTP_PORT: "465", ...FROM })))).toMatchObject({
      port: 465,
      secure: true,
    });
  });

  test.each([
    [{ SMTP_URL: "http://mail.example.com", ...FROM }, /^\s*SMTP_URL: must be a URL such as smtp:/m],
    [{ SMTP_URL: "smtp://a.example.com", SMTP_HOST: "b.example.com", ...FROM }, /^\s*SMTP_HOST: set either SMTP_URL/m],
    [{ SMTP_HOST: "mail.example.com" }, /^\s*MAIL_FROM: is required when a mail server is set/m],
    [{ SMTP_PORT: "25", ...FROM }, /^\s*SMTP_HOST: is required with SMTP_PORT/m],
    [{ SMTP_HOST: "mail.example.com", SMTP_PASSWORD: "pw", ...FROM }, /^\s*SMTP_USER: is required with SMTP_PASSWORD/m],
    [{ SMTP_HOST: "mail.example.com", SMTP_SECURE: "yes", ...FROM }, /^\s*SMTP_SECURE: must be true or false/m],
    [{ DIGEST_HOUR: "24" }, /^\s*DIGEST_HOUR: must be 0 to 23/m],
  ])("%o is refused at start, naming the variable", (vars, message) => {
    expect(envError(vars)).toMatch(message);
  });

  test("the digest's links use APP_URL, or this server's own address", () => {
    expect(digestAppUrl(parseEnv(only({ APP_URL: "https://tapes.example.com" })))).toBe("https://tapes.example.com");
    expect(digestAppUrl(parseEnv(only({ HOSTNAME: "10.0.0.5", PORT: "8080" })))).toBe("http://10.0.0.5:8080");
  });
});
