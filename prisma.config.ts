import { defineConfig } from "prisma/config";
import { createAdapterFactory } from "./server/db/adapter";
import { parseDatabaseUrl } from "./server/db/location";

// Prisma reads no .env when a config file exists, and without a readable URL it falls back to the native
// engine and tries to download it; the embedded database is the default.
const location = parseDatabaseUrl(process.env.DATABASE_URL);
process.env.DATABASE_URL = location.kind === "postgres" ? location.url : "postgresql://embedded.invalid/pglite";
if (location.kind === "pglite") process.env.PRISMA_SCHEMA_DISABLE_ADVISORY_LOCK ??= "1";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx prisma/seed.ts" },
  adapter: async () => createAdapterFactory(location, { forMigration: true }),
});
