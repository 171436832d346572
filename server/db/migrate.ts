import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { env } from "../env";
import type { DatabaseLocation } from "./location";
import { PGLITE_EXTENSIONS } from "./pglite";
import { acquirePgliteLock, releasePgliteLock } from "./pglite-lock";

/** Migrations shipped with this version of the app, oldest first. */
export function knownMigrations(root: string): string[] {
  const dir = path.join(root, "prisma", "migrations");
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort();
}

/** The migrations an existing embedded database has finished, or null when the directory holds no database yet. */
async function finishedMigrations(dataDir: string): Promise<string[] | null> {
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) return null;
  acquirePgliteLock(dataDir);
  const pglite = new PGlite(dataDir, { extensions: PGLITE_EXTENSIONS });
  try {
    const table = await pglite.query<{ found: boolean }>(
      "SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS found",
    );
    if (!table.rows[0]?.found) return [];
    const rows = await pglite.query<{ name: string }>(
      "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    return rows.rows.map((row) => row.name);
  } finally {
    await pglite.close();
    releasePgliteLock(dataDir);
  }
}

/**
 * Applies pending migrations with Prisma's own migrator. prisma.config.ts reads DATABASE_URL, so the child
 * is handed the location explicitly: a restore migrates a directory other than the configured one.
 * An embedded database with nothing pending is not handed to the migrator at all: when it has nothing to
 * do, Prisma never closes the database it opened, and its process would wait on PGlite forever.
 */
export async function migrate(root: string, location: DatabaseLocation = env().DATABASE_URL) {
  const where = location.kind === "pglite" ? `embedded database at ${location.dataDir}` : "PostgreSQL";
  if (location.kind === "pglite") {
    const finished = await finishedMigrations(location.dataDir);
    if (finished && knownMigrations(root).every((name) => finished.includes(name))) {
      console.log(`  The ${where} is up to date.`);
      return;
    }
  }
  console.log(`  Applying migrations to the ${where}…`);
  const result = spawnSync(
    process.execPath,
    [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: location.kind === "pglite" ? `pglite:${location.dataDir}` : location.url },
      stdio: ["ignore", "pipe", "pipe"],
      encoding: "utf8",
    },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error("Migrations failed (see above)");
  }
  const applied = result.stdout.match(/applied/i) ? result.stdout.trim().split("\n").pop() : "";
  if (applied) console.log(`  ${applied}`);
}
