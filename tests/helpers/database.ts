import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { knownMigrations } from "../../server/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    /** A tar of a freshly migrated PGlite data directory, written once by the integration global setup. */
    pgliteSnapshotPath: string | null;
  }
}

/** Set to a postgres:// URL to run the integration tests on a real PostgreSQL server instead of PGlite. */
export const testDatabaseUrl = () => process.env.TEST_DATABASE_URL?.trim() || undefined;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The SQL of every migration, oldest first: the same files `prisma migrate deploy` applies. */
export function migrationSql(): { name: string; sql: string }[] {
  return knownMigrations(ROOT)
    .map((name) => ({
      name,
      sql: fs.readFileSync(path.join(ROOT, "prisma", "migrations", name, "migration.sql"), "utf8"),
    }))
    .filter(({ sql }) => sql.trim().length > 0);
}

export type ScratchDatabase = { name: string; url: string; drop(): Promise<void> };

async function asAdmin(serverUrl: string, sql: string) {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A new, empty database on the PostgreSQL server at `serverUrl`, named `<prefix>_<random>`. `drop()`
 * removes it WITH (FORCE), which also ends any connection still open on it.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await asAdmin(serverUrl, `CREATE DATABASE "${name}"`);
  return {
    name,
    url: url.toString(),
    drop: () => asAdmin(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
