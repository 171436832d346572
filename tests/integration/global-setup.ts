import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { migrationSql, testDatabaseUrl } from "../helpers/database";

/**
 * A fresh PGlite takes seconds to start and migrate, a copy of a migrated one a fraction of that: build
 * it once here and hand every test file the snapshot. With TEST_DATABASE_URL the files create their own
 * PostgreSQL databases instead; check the server answers so a wrong URL fails once, clearly.
 */
export default async function setup(project: TestProject) {
  const serverUrl = testDatabaseUrl();
  if (serverUrl) {
    const client = new pg.Client({ connectionString: serverUrl });
    try {
      await client.connect();
      await client.query("SELECT 1");
    } catch (error) {
      throw new Error(`TEST_DATABASE_URL is set but the server cannot be reached: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
    project.provide("pgliteSnapshotPath", null);
    return;
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "backup-monitor-test-db-"));
  const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  for (const migration of migrationSql()) {
    try {
      await pglite.exec(migration.sql);
    } catch (error) {
      throw new Error(`Migration ${migration.name} failed on PGlite: ${(error as Error).message}`);
    }
  }
  const snapshot = await pglite.dumpDataDir("none");
  await pglite.close();
  const snapshotPath = path.join(dir, "migrated.tar");
  fs.writeFileSync(snapshotPath, Buffer.from(await snapshot.arrayBuffer()));
  project.provide("pgliteSnapshotPath", snapshotPath);

  return () => fs.rmSync(dir, { recursive: true, force: true });
}
