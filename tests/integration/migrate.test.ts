import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import pg from "pg";
import { describe, expect, test } from "vitest";
import { knownMigrations, migrate } from "../../server/db/migrate";
import { createScratchDatabase, testDatabaseUrl } from "../helpers/database";

/**
 * `npm start` and `npm run db:migrate` apply migrations through Prisma's own migrator, not the way the
 * test databases are built: run that path on each kind of database, twice, as a first start and a restart do.
 */
const root = path.resolve(__dirname, "../..");
const serverUrl = testDatabaseUrl();

async function inPglite<T>(dataDir: string, use: (db: PGlite) => Promise<T>): Promise<T> {
  const db = new PGlite(dataDir, { extensions: PGLITE_EXTENSIONS });
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}

describe.skipIf(serverUrl)("migrating the embedded database", () => {
  test(
    "a new database gets every migration, and a restart on it finds nothing to do",
    { timeout: 180_000 },
    async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-migrate-"));
      try {
        await migrate(root, { kind: "pglite", dataDir });
        const applied = await inPglite(
          dataDir,
          async (db) =>
            (
              await db.query<{ name: string }>(
                "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1",
              )
            ).rows,
        );
        expect(applied.map((row) => row.name)).toEqual(knownMigrations(root));

        const started = Date.now();
        await migrate(root, { kind: "pglite", dataDir });
        // Prisma's migrator would wait on the open database for ever here; nothing is pending, so it is not run.
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(fs.existsSync(path.join(dataDir, "backup-monitor.lock"))).toBe(false);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  );
});

describe.runIf(serverUrl)("migrating a PostgreSQL database", () => {
  test(
    "every migration applies, function bodies included, and a second run changes nothing",
    { timeout: 180_000 },
    async () => {
      const database = await createScratchDatabase(serverUrl!, "bm_migrate");
      try {
        await migrate(root, { kind: "postgres", url: database.url });
        await migrate(root, { kind: "postgres", url: database.url });
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        try {
          const applied = await client.query<{ name: string }>(
            "SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1",
          );
          expect(applied.rows.map((row) => row.name)).toEqual(knownMigrations(root));
          const reserved = await client.query("SELECT * FROM backup_audit_reserve(0)");
          expect(reserved.rows).toEqual([{ head_seq: "0", head_hash: "", head_key_id: null, ids: [] }]);
        } finally {
          await client.end();
        }
      } finally {
        await database.drop();
      }
    },
  );
});
