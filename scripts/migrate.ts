import { spawnSync } from "node:child_process";
import path from "node:path";
import type { DatabaseLocation } from "../server/db/location";
import { env } from "../server/env";

/**
 * Applies pending migrations with Prisma's own migrator. prisma.config.ts reads DATABASE_URL, so the child
 * is handed the location explicitly: a restore migrates a directory other than the configured one.
 */
export function migrate(root: string, location: DatabaseLocation = env().DATABASE_URL) {
  const where = location.kind === "pglite" ? `embedded database at ${location.dataDir}` : "PostgreSQL";
  console.log(`  Applying migrations to the ${where}…`);
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: location.kind === "pglite" ? `pglite:${location.dataDir}` : location.url },
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    throw new Error("Migrations failed (see above)");
  }
  const applied = result.stdout.match(/applied/i) ? result.stdout.trim().split("\n").pop() : "";
  if (applied) console.log(`  ${applied}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    migrate(process.cwd());
  } catch (error) {
    console.error(`  ${(error as Error).message}`);
    process.exit(1);
  }
}
