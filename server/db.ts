import { PrismaClient } from "../generated/prisma/client";
import { createAdapterFactory } from "./db/adapter";
import type { DatabaseLocation } from "./db/location";
import { env } from "./env";

export type Db = PrismaClient;
/** The client handed to a transaction callback. */
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

export function createDb(location: DatabaseLocation): Db {
  return new PrismaClient({ adapter: createAdapterFactory(location) });
}

// Route bundles and instrumentation may each load this module; all of them must share one client
// (and so one PGlite instance per data directory).
const globalForDb = globalThis as unknown as { backupMonitorDb?: Db };

export function getDb(): Db {
  globalForDb.backupMonitorDb ??= createDb(env().DATABASE_URL);
  return globalForDb.backupMonitorDb;
}
