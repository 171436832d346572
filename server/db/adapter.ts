import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseLocation } from "./location";
import { acquirePgliteLock, releasePgliteLock } from "./pglite-lock";

/**
 * PGlite opens its directory when constructed, so it is only created on the first connect:
 * importing this module (prisma.config.ts during `npm install`, `next build`) must not open the database.
 */
class LazyPgliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "pglite-prisma-adapter";
  private pglite: PGlite | undefined;

  constructor(private readonly dataDir: string) {}

  async connect(): Promise<SqlDriverAdapter> {
    if (!this.pglite) {
      acquirePgliteLock(this.dataDir);
      this.pglite = new PGlite(this.dataDir);
    }
    const pglite = this.pglite;
    const adapter = await new PrismaPGlite(pglite).connect();
    const dataDir = this.dataDir;
    return Object.assign(adapter, {
      async dispose() {
        await pglite.close();
        releasePgliteLock(dataDir);
      },
    });
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return new PrismaPGlite(new PGlite()).connectToShadowDb();
  }
}

/**
 * Prisma's schema engine cannot read columns of PostgreSQL's internal type `name` (OID 19) that
 * adapter-pg reports for catalogue queries; `name` is text on the wire, so it is reported as text (OID 25).
 * Only the migration process applies it.
 */
let nameColumnsPatched = false;
function reportNameColumnsAsText() {
  if (nameColumnsPatched) return;
  nameColumnsPatched = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Result = require("pg/lib/result") as { prototype: { addFields(fields: { dataTypeID: number }[]): void } };
  const addFields = Result.prototype.addFields;
  Result.prototype.addFields = function (fields) {
    for (const field of fields) if (field.dataTypeID === 19) field.dataTypeID = 25;
    return addFields.call(this, fields);
  };
}

export function createAdapterFactory(
  location: DatabaseLocation,
  options: { forMigration?: boolean } = {},
): SqlMigrationAwareDriverAdapterFactory {
  if (location.kind === "pglite") return new LazyPgliteFactory(location.dataDir);
  if (options.forMigration) reportNameColumnsAsText();
  const pool = new pg.Pool({ connectionString: location.url, max: options.forMigration ? 1 : 10 });
  // An idle connection the server closes (restart, failover, a dropped database) emits an error on the
  // pool; unheard, it would crash the process. The pool replaces the connection on next use.
  pool.on("error", (error) => console.error("PostgreSQL connection lost:", error.message));
  return new PrismaPg(pool, { disposeExternalPool: true });
}
