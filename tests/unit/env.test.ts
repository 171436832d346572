import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { InvalidEnvironmentError, parseEnv, serverProcesses } from "../../server/env";

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
