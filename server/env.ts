import os from "node:os";
import { z } from "zod";
import { parseDatabaseUrl } from "./db/location";
import { parseTrustedProxies } from "./http/client-address";

/** A variable read by a function that throws a message saying what is wrong with it. */
function parsedWith<T>(parse: (value: string | undefined) => T, explain = (problem: string) => problem) {
  return z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (error) {
        ctx.addIssue({ code: "custom", message: explain((error as Error).message) });
        return z.NEVER;
      }
    });
}

const schema = z
  .object({
    DATABASE_URL: parsedWith(parseDatabaseUrl),
    PORT: z.coerce.number({ message: "must be a number" }).int().min(1).max(65535).default(3000),
    HOSTNAME: z.string().min(1).default("0.0.0.0"),
    AUTH_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    /** Keys the audit hash chain; without it, a key file beside the data directory (server/audit/key.ts). */
    AUDIT_KEY: z.string().min(32, "must be at least 32 characters, e.g. the output of openssl rand -hex 32").optional(),
    /** The public address when the app sits behind a proxy, e.g. https://tapes.example.com. */
    APP_URL: z.url({ message: "must be a full URL such as https://tapes.example.com" }).optional(),
    /** The reverse proxies in front of the app whose X-Forwarded-For and X-Forwarded-Proto are believed. */
    TRUST_PROXY: parsedWith(
      parseTrustedProxies,
      (problem) =>
        `must be 0 (no proxy), 1 (a proxy on this machine) or a comma-separated list of the proxies' addresses or CIDR ranges such as 10.0.0.2,192.168.1.0/24: ${problem}`,
    ),
    /** Server processes sharing the port; by default one per core on PostgreSQL, one on the embedded database. */
    WEB_CONCURRENCY: z.coerce
      .number({ message: "must be a number" })
      .int()
      .min(1, "must be at least 1")
      .max(64)
      .optional(),
    /** The mail server the daily digest is sent through, as one URL; or SMTP_HOST and the variables after it. */
    SMTP_URL: z
      .url({
        protocol: /^smtps?$/,
        message: "must be a URL such as smtp://user:password@mail.example.com:587 or smtps://mail.example.com",
      })
      .optional(),
    SMTP_HOST: z.string().min(1, "must not be empty").optional(),
    SMTP_PORT: z.coerce.number({ message: "must be a number" }).int().min(1).max(65535).optional(),
    SMTP_USER: z.string().min(1, "must not be empty").optional(),
    SMTP_PASSWORD: z.string().optional(),
    /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
    SMTP_SECURE: z
      .enum(["true", "false", "1", "0"], { message: "must be true or false" })
      .transform((value) => value === "true" || value === "1")
      .optional(),
    /** The sender of the daily digest, e.g. "Backup Monitor <tapes@example.com>". */
    MAIL_FROM: z.string().min(3, "must be an address such as Backup Monitor <tapes@example.com>").optional(),
    /** The UTC hour from which each day's digest is sent. */
    DIGEST_HOUR: z.coerce
      .number({ message: "must be a number" })
      .int()
      .min(0, "must be 0 to 23")
      .max(23, "must be 0 to 23")
      .default(6),
  })
  .refine((config) => !(config.SMTP_URL && config.SMTP_HOST), {
    path: ["SMTP_HOST"],
    message: "set either SMTP_URL or SMTP_HOST (with SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_SECURE), not both",
  })
  .refine((config) => !(config.SMTP_URL || config.SMTP_HOST) || config.MAIL_FROM, {
    path: ["MAIL_FROM"],
    message:
      "is required when a mail server is set: the sender of the daily digest, e.g. Backup Monitor <tapes@example.com>",
  })
  .refine(
    (config) =>
      config.SMTP_HOST ||
      [config.SMTP_PORT, config.SMTP_USER, config.SMTP_PASSWORD, config.SMTP_SECURE].every(
        (value) => value === undefined,
      ),
    {
      path: ["SMTP_HOST"],
      message:
        "is required with SMTP_PORT, SMTP_USER, SMTP_PASSWORD or SMTP_SECURE (with SMTP_URL, put them in the URL)",
    },
  )
  .refine((config) => config.SMTP_PASSWORD === undefined || config.SMTP_USER, {
    path: ["SMTP_USER"],
    message: "is required with SMTP_PASSWORD",
  })
  .refine((config) => !(config.DATABASE_URL.kind === "pglite" && (config.WEB_CONCURRENCY ?? 1) > 1), {
    path: ["WEB_CONCURRENCY"],
    message:
      "the embedded database is opened by one process at a time; run several server processes on PostgreSQL (DATABASE_URL=postgres://…)",
  });

export type Env = z.infer<typeof schema>;

export class InvalidEnvironmentError extends Error {
  constructor(issues: z.core.$ZodIssue[]) {
    super(
      "Invalid environment:\n" +
        issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`).join("\n"),
    );
    this.name = "InvalidEnvironmentError";
  }
}

export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = schema.safeParse(source);
  if (!result.success) throw new InvalidEnvironmentError(result.error.issues);
  return result.data;
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

export function serverProcesses(config: Env): number {
  return config.WEB_CONCURRENCY ?? (config.DATABASE_URL.kind === "pglite" ? 1 : os.availableParallelism());
}
