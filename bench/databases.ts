import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../server/db/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { z } from "zod";
import { PrismaClient } from "../generated/prisma/client";
import { createDb, TRANSACTION_DEFAULTS, type Db } from "../server/db";
import { createScratchDatabase, migrationSql } from "../tests/helpers/database";

/** The databases the write benchmarks (sync, consignments) measure on, each fresh and migrated. */
export type BenchDb = { db: Db; description: string; close(): Promise<void> };

/** BENCH_DATABASE_URL: the PostgreSQL server to measure on besides PGlite, when given. */
export const benchDatabaseUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
  .optional();

/** PGlite (durable: as the app opens it) unless a PostgreSQL server's URL is given. */
export type Backend = { name: string; serverUrl?: string; durable?: boolean };

/**
 * A migrated PGlite data directory, on the disk the app's own data lives on (./data) so an fsync costs
 * what it costs there. `durable` opens it the way the app does; otherwise as PGlite does by default.
 */
async function freshPglite(durable: boolean, bench: string): Promise<BenchDb> {
  fs.mkdirSync("data", { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(path.resolve("data"), `bench-${bench}-`));
  const raw = await PGlite.create(dataDir, { extensions: PGLITE_EXTENSIONS });
  for (const migration of migrationSql()) await raw.exec(migration.sql);
  const version = (await raw.query<{ version: string }>("SELECT version()")).rows[0]!.version.split(" on ")[0]!;
  await raw.close();
  const pglite = durable ? undefined : new PGlite(dataDir, { extensions: PGLITE_EXTENSIONS });
  const db = pglite
    ? new PrismaClient({ adapter: new PrismaPGlite(pglite), transactionOptions: TRANSACTION_DEFAULTS })
    : createDb({ kind: "pglite", dataDir });
  return {
    db,
    description: `${version}, ${durable ? "fsync on (as the app opens it)" : "fsync off (PGlite's default)"}`,
    async close() {
      await db.$disconnect();
      await pglite?.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A new database on the server, migrated, behind a pool like the app's; the pool ends before the database is dropped. */
async function freshPostgres(serverUrl: string, bench: string): Promise<BenchDb> {
  const database = await createScratchDatabase(serverUrl, `bm_bench_${bench}`);
  const pool = new pg.Pool({ connectionString: database.url, max: 10 });
  for (const migration of migrationSql()) await pool.query(migration.sql);
  const version = (await pool.query<{ version: string }>("SELECT version()")).rows[0]!.version.split(" on ")[0]!;
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    description: version,
    async close() {
      await db.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}

/** A fresh database of `backend`'s kind, named after the benchmark (`bench`) that uses it. */
export const openBenchDb = (backend: Backend, bench: string) =>
  backend.serverUrl ? freshPostgres(backend.serverUrl, bench) : freshPglite(backend.durable ?? false, bench);
