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
