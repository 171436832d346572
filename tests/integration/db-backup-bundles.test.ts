import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import { afterAll, beforeAll, describe, expect, inject, test, vi } from "vitest";
import { createDb, embeddedDatabaseOf, type Db } from "../../server/db";
import { parseBackupArchive } from "../../server/db/backup-archive";
import { testDatabaseUrl } from "../helpers/database";

let tmp: string;
let db: Db;

// The embedded database only: on PostgreSQL there is no database in the process to back up.
describe.skipIf(testDatabaseUrl())("a backup of the running embedded database from another bundle", () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backup-monitor-bundles-"));
    const seed = new PGlite(path.join(tmp, "data"), {
      extensions: PGLITE_EXTENSIONS,
      loadDataDir: new Blob([fs.readFileSync(inject("pgliteSnapshotPath")!)]),
    });
    await seed.waitReady;
    await seed.close();
    db = createDb({ kind: "pglite", dataDir: path.join(tmp, "data") });
  }, 120_000);

  afterAll(async () => {
    await db?.$disconnect();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("the backup route finds the database whichever copy of the app's modules opened it", async () => {
    // The app's own server answers the tRPC endpoint with its copy of server/db, which opens the database
    // on the first push; the backup route runs in a Next.js bundle, with a copy of its own.
    await db.$queryRaw`SELECT 1`;
    vi.resetModules();
    const bundled = await import("../../server/db/backup");
    expect((await import("../../server/db")).embeddedDatabaseOf).not.toBe(embeddedDatabaseOf);
    const bytes = await bundled.backupRunningDatabase(db);
    expect(parseBackupArchive(bytes, "The backup").entries).toContain("PG_VERSION");
  }, 120_000);
});
