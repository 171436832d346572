import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import pg from "pg";
import { createDb, type Db } from "../../server/db";
import { migrationSql } from "../../tests/helpers/database";

/**
 * A new, empty database for one run: raw SQL access for migrating and seeding, then the app's own Prisma
 * client (same adapter, same pool) for the measurements, so the figures are what the app would see.
 */
export type FreshDatabase = {
  description: string;
  /** Runs one or more statements (a whole migration file, a seeding step). */
  exec(sql: string): Promise<void>;
  /** Ends raw access and opens the database as the app does. */
  openApp(): Promise<Db>;
  /** Drops the database, or leaves it and says where it is when `keep` is set. */
  close(keep: boolean): Promise<void>;
};

async function freshPglite(): Promise<FreshDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-bench-"));
  let raw: PGlite | null = await PGlite.create(dataDir, { extensions: PGLITE_EXTENSIONS });
  let app: Db | null = null;
  return {
    description: `PGlite ${await version((sql) => raw!.query<{ version: string }>(sql).then((r) => r.rows))} in ${dataDir}`,
    async exec(sql) {
      await raw!.exec(sql);
    },
    async openApp() {
      // A PGlite directory is opened by one instance at a time: the raw one must let go first.
      await raw!.close();
      raw = null;
      app = createDb({ kind: "pglite", dataDir });
      return app;
    },
    async close(keep) {
      await app?.$disconnect();
      await raw?.close();
      if (keep) console.log(`Kept the database: DATABASE_URL=pglite:${dataDir}`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(serverUrl: string): Promise<FreshDatabase> {
  const name = `bm_bench_${randomBytes(4).toString("hex")}`;
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  let app: Db | null = null;
  return {
    description: `${await version((sql) => client.query<{ version: string }>(sql).then((r) => r.rows))}, database ${name}`,
    async exec(sql) {
      await client.query(sql);
    },
    async openApp() {
      app = createDb({ kind: "postgres", url: url.toString() });
      return app;
    },
    async close(keep) {
      await app?.$disconnect();
      await client.end();
      if (keep) console.log(`Kept the database: DATABASE_URL=${url}`);
      else await dropWhenIdle(admin, name);
      await admin.end();
    },
  };
}

/**
 * The app's pool outlives `$disconnect()` (adapter-pg does not end a pool it was handed) and closes idle
 * connections after 10 s. Dropping the database under them would make the pool throw, so wait them out.
 */
async function dropWhenIdle(admin: pg.Client, name: string) {
  for (let waited = 0; waited < 30; waited++) {
    const { rows } = await admin.query<{ sessions: number }>(
      "SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE datname = $1",
      [name],
    );
    if (rows[0]!.sessions === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await admin.query(`DROP DATABASE "${name}"`);
}

async function version(query: (sql: string) => Promise<{ version: string }[]>) {
  const [row] = await query("SELECT version()");
  return row!.version.split(" on ")[0]!;
}

/** PostgreSQL when `serverUrl` names a server (a new database is created on it), else PGlite in a temp directory. */
export async function freshDatabase(serverUrl: string | undefined): Promise<FreshDatabase> {
  return serverUrl ? freshPostgres(serverUrl) : freshPglite();
}

/** The project's migrations, oldest first: the schema and indexes the app really runs on. */
export async function migrate(database: FreshDatabase) {
  for (const migration of migrationSql()) await database.exec(migration.sql);
}
