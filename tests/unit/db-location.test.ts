import path from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_PGLITE_DIR, parseDatabaseUrl } from "../../server/db/location";

describe("parseDatabaseUrl", () => {
  test.each([[undefined], [""], ["   "]])("%j means the embedded database in ./data/pglite", (raw) => {
    expect(parseDatabaseUrl(raw)).toEqual({ kind: "pglite", dataDir: path.resolve(DEFAULT_PGLITE_DIR) });
  });

  test("pglite:<dir> resolves the directory to an absolute path", () => {
    expect(parseDatabaseUrl("pglite:./var/db")).toEqual({ kind: "pglite", dataDir: path.resolve("var/db") });
    expect(parseDatabaseUrl("pglite:/srv/backup-monitor")).toEqual({ kind: "pglite", dataDir: "/srv/backup-monitor" });
  });

  test("pglite: without a directory says what is missing", () => {
    expect(() => parseDatabaseUrl("pglite:")).toThrow(/needs a directory/);
  });

  test.each([["postgres://u:p@db:5432/bm"], ["postgresql://db/bm?sslmode=require"]])(
    "%s is a PostgreSQL server",
    (url) => {
      expect(parseDatabaseUrl(`  ${url}\n`)).toEqual({ kind: "postgres", url });
    },
  );

  test.each([["mysql://db/bm"], ["file:./dev.db"], ["postgres:/db"], ["data/pglite"]])(
    "%s is refused with the accepted forms",
    (raw) => {
      expect(() => parseDatabaseUrl(raw)).toThrow(/postgres:\/\/.*pglite:<dir>/);
    },
  );
});
