import { PrismaClient } from "../generated/prisma/client";
import { createAdapterFactory } from "./db/adapter";
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

export function createDb(location: DatabaseLocation): Db {
  return new PrismaClient({ adapter: createAdapterFactory(location), transactionOptions: TRANSACTION_DEFAULTS });
}

// Route bundles and instrumentation may each load this module; all of them must share one client
// (and so one PGlite instance per data directory).
const globalForDb = globalThis as unknown as { backupMonitorDb?: Db };

export function getDb(): Db {
  globalForDb.backupMonitorDb ??= createDb(env().DATABASE_URL);
  return globalForDb.backupMonitorDb;
}
