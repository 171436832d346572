import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { inject } from "vitest";
import { PrismaClient } from "../../generated/prisma/client";
import { registerEmbeddedDatabase, TRANSACTION_DEFAULTS, type Db } from "../../server/db";
import { createScratchDatabase, migrationSql, testDatabaseUrl } from "./database";

export type TestDb = {
  db: Db;
  close: () => Promise<void>;
  kind: "pglite" | "postgres";
  /**
   * Another client on the same database, as a second app server would hold: its own connection pool on
   * PostgreSQL (so its transactions really run alongside the first client's), the one in-process
   * database on PGlite. Closed by `close()`.
   */
  connect: (poolSize?: number) => Db;
};

/**
 * A database of its own for one test file, already migrated: a copy of the PGlite snapshot by default,
 * or a new database on the TEST_DATABASE_URL server, dropped again by `close()`.
 */
export async function createTestDb(): Promise<TestDb> {
  const serverUrl = testDatabaseUrl();
  return serverUrl ? createPostgresDb(serverUrl) : createPgliteDb();
}

async function createPgliteDb(): Promise<TestDb> {
  const snapshotPath = inject("pgliteSnapshotPath");
  if (!snapshotPath) throw new Error("No PGlite snapshot: run the tests with `vitest --project integration`");
  const pglite = await PGlite.create({
    extensions: PGLITE_EXTENSIONS,
    loadDataDir: new Blob([fs.readFileSync(snapshotPath)]),
  });
  const db = new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TRANSACTION_DEFAULTS });
  registerEmbeddedDatabase(db, () => pglite);
  return {
    db,
    kind: "pglite",
    connect: () => db,
    async close() {
      await db.$disconnect();
      await pglite.close();
    },
  };
}

export async function applyMigrations(client: pg.Client) {
  for (const migration of migrationSql()) {
    try {
      await client.query(migration.sql);
    } catch (error) {
      throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
    }
  }
}

async function withClient<T>(connectionString: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function createPostgresDb(serverUrl: string): Promise<TestDb> {
  const database = await createScratchDatabase(serverUrl, "bm_test");
  const connectionString = database.url;
  try {
    await withClient(connectionString, applyMigrations);
  } catch (error) {
    await database.drop();
    throw error;
  }

  const pool = new pg.Pool({ connectionString, max: 5 });
  // The file's database is dropped WITH (FORCE) at the end, which cuts any connection a test left behind
  // (a sync engine still retrying); that disconnect is expected, not a failure of the test.
  pool.on("error", () => {});
  const db = new PrismaClient({ adapter: new PrismaPg(pool), transactionOptions: TRANSACTION_DEFAULTS });
  const others: { client: Db; pool: pg.Pool }[] = [];
  return {
    db,
    kind: "postgres",
    connect(poolSize = 5) {
      const otherPool = new pg.Pool({ connectionString, max: poolSize });
      otherPool.on("error", () => {});
      const client = new PrismaClient({ adapter: new PrismaPg(otherPool), transactionOptions: TRANSACTION_DEFAULTS });
      others.push({ client, pool: otherPool });
      return client;
    },
    async close() {
      for (const other of others) {
        await other.client.$disconnect();
        await other.pool.end();
      }
      await db.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}

/**
 * Empties every table (keeping the schema), so a test can start from a blank database without the cost
 * of a new one. Restarts sequences too, though no test should rely on id values.
 */
export async function truncateAll(db: Db) {
  const tables = await db.$queryRaw<{ tablename: string }[]>`
    SELECT tablename::text AS tablename FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  if (tables.length === 0) return;
  const list = tables.map(({ tablename }) => `"public"."${tablename}"`).join(", ");
  await db.$executeRawUnsafe(`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
}
