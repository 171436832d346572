import { PrismaClient } from "../generated/prisma/client";
import type { PGlite } from "@electric-sql/pglite";
import { createAdapterFactory, LazyPgliteFactory } from "./db/adapter";
import type { DatabaseLocation } from "./db/location";
import { env } from "./env";

export type Db = PrismaClient;
/** The client handed to a transaction callback. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

/**
 * Writes to one cartridge or one job queue on its row lock, and each waiting transaction holds a pooled
 * connection meanwhile. Prisma's defaults (2 s to get a connection, 5 s to finish) turned a burst of such
 * writes into server errors; these give a queue of them time to drain.
 */
export const TRANSACTION_DEFAULTS = { maxWait: 15_000, timeout: 30_000 };

// Route bundles, instrumentation and the app's own server (which answers the tRPC endpoint) may each load
// this module; all of them must share one client (and so one PGlite instance per data directory), and the
// backup route must find the database behind a client another copy of this module created.
const globalForDb = globalThis as unknown as {
  backupMonitorDb?: Db;
  backupMonitorEmbeddedDatabases?: WeakMap<Db, () => PGlite | undefined>;
};

/** The embedded database behind each client that has one, for a backup while it runs (see ./db/backup). */
const embeddedDatabases = (globalForDb.backupMonitorEmbeddedDatabases ??= new WeakMap());

export function registerEmbeddedDatabase(db: Db, pglite: () => PGlite | undefined) {
  embeddedDatabases.set(db, pglite);
}

/** The PGlite instance `db` runs on, once connected; undefined on PostgreSQL. */
export function embeddedDatabaseOf(db: Db): PGlite | undefined {
  return embeddedDatabases.get(db)?.();
}

export function createDb(location: DatabaseLocation): Db {
  const adapter = createAdapterFactory(location);
  const db = new PrismaClient({ adapter, transactionOptions: TRANSACTION_DEFAULTS });
  if (adapter instanceof LazyPgliteFactory) registerEmbeddedDatabase(db, () => adapter.instance);
  return db;
}

export function getDb(): Db {
  globalForDb.backupMonitorDb ??= createDb(env().DATABASE_URL);
  return globalForDb.backupMonitorDb;
}
