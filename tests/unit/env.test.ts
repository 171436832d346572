import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { InvalidEnvironmentError, parseEnv, serverProcesses } from "../../server/env";
import { emailConfigured, smtpOptions } from "../../server/reminders/smtp";
import { digestAppUrl } from "../../server/reminders/scheduler";

/** An environment holding only these variables. */
const only = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

/** The message a bad environment produces, which an operator reads in the server's log. */
function envError(vars: Record<string, string>): string {
  try {
    parseEnv(only(vars));
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEnvironmentError);
    return (error as Error).message;
  }
  throw new Error("Expected the environment to be rejected");
}

describe("parseEnv", () => {
  test("an empty environment runs on the embedded database on port 3000", () => {
    expect(parseEnv(only({}))).toEqual({
      DATABASE_URL: { kind: "pglite", dataDir: path.resolve("./data/pglite") },
      PORT: 3000,
      HOSTNAME: "0.0.0.0",
      TRUST_PROXY: [],
      DIGEST_HOUR: 6,
    });
  });

  test("reads a full production environment", () => {
    const env = parseEnv(
      only({
        DATABASE_URL: "postgres://app:secret@db.internal:5432/backup",
        PORT: "8080",
        HOSTNAME: "127.0.0.1",
        AUTH_SECRET: "x".repeat(32),
        APP_URL: "https://tapes.example.com",
        TRUST_PROXY: "1",
      }),
    );
    expect(env).toMatchObject({
      DATABASE_URL: { kind: "postgres", url: "postgres://app:secret@db.internal:5432/backup" },
      PORT: 8080,
      TRUST_PROXY: ["loopback"],
    });
  });

  test.each([["abc"], ["0"], ["65536"], ["80.5"]])("PORT=%s is rejected by name", (port) => {
    expect(envError({ PORT: port })).toMatch(/^\s*PORT: /m);
  });

  test.each([["mysql://localhost/db"], ["pglite:"], ["/var/lib/data"]])(
    "DATABASE_URL=%s is rejected by name",
    (url) => {
      const message = envError({ DATABASE_URL: url });
      expect(message).toMatch(/^\s*DATABASE_URL: /m);
      expect(message).toContain("pglite:");
    },
  );

  test("every invalid variable is reported at once", () => {
    const message = envError({ PORT: "nope", AUTH_SECRET: "short", APP_URL: "tapes", TRUST_PROXY: "yes" });
    for (const name of ["PORT", "AUTH_SECRET", "APP_URL", "TRUST_PROXY"])
      expect(message).toMatch(new RegExp(`^\\s*${name}: `, "m"));
    expect(message).toContain("at least 32 characters");
  });

  test.each([
    ["1", ["loopback"]],
    ["true", ["loopback"]],
    ["0", []],
    ["false", []],
    ["10.0.0.2", ["10.0.0.2"]],
    [" 10.0.0.2, 192.168.1.0/24 ,fd00::/8 ", ["10.0.0.2", "192.168.1.0/24", "fd00::/8"]],
    ["loopback,uniquelocal", ["loopback", "uniquelocal"]],
  ])("TRUST_PROXY=%s trusts %j", (value, expected) => {
    expect(parseEnv(only({ TRUST_PROXY: value })).TRUST_PROXY).toEqual(expected);
  });

  test.each([
    ["yes"],
    ["2"],
    ["10.0.0.300"],
    ["10.0.0.0/33"],
    ["10.0.0.2,,10.0.0.3"],
    ["proxy.internal"],
    ["10.0.0.0/8/1"],
  ])("TRUST_PROXY=%s is refused at start, naming the variable and the entry", (value) => {
    const message = envError({ TRUST_PROXY: value });
    expect(message).toMatch(
      /^\s*TRUST_PROXY: must be 0 \(no proxy\), 1 \(a proxy on this machine\) or a comma-separated list/m,
    );
  });

  test("server processes: one on the embedded database, one per core on PostgreSQL, or as WEB_CONCURRENCY says", () => {
    const postgres = "postgres://app@db.internal/backup";
    expect(serverProcesses(parseEnv(only({})))).toBe(1);
    expect(serverProcesses(parseEnv(only({ DATABASE_URL: postgres })))).toBe(os.availableParallelism());
    expect(serverProcesses(parseEnv(only({ DATABASE_URL: postgres, WEB_CONCURRENCY: "3" })))).toBe(3);
    expect(serverProcesses(parseEnv(only({ WEB_CONCURRENCY: "1" })))).toBe(1);
  });

  test.each([["0"], ["two"], ["1.5"]])("WEB_CONCURRENCY=%s is rejected by name", (value) => {
    expect(envError({ DATABASE_URL: "postgres://app@db.internal/backup", WEB_CONCURRENCY: value })).toMatch(
      /^\s*WEB_CONCURRENCY: /m,
    );
  });

  test("several server processes on the embedded database are refused, saying why", () => {
    const message = envError({ WEB_CONCURRENCY: "2" });
    expect(message).toMatch(/^\s*WEB_CONCURRENCY: the embedded database is opened by one process at a time/m);
  });
});

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
