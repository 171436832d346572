import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { DatabaseLocation } from "./location";
import { openPglite, PGLITE_EXTENSIONS } from "./pglite";
import { acquirePgliteLock, releasePgliteLock } from "./pglite-lock";

/**
 * PGlite opens its directory when constructed, so it is only created on the first connect:
 * importing this module (prisma.config.ts during `npm install`, `next build`) must not open the database.
 */
export class LazyPgliteFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "pglite-prisma-adapter";
  private pglite: PGlite | undefined;

  constructor(private readonly dataDir: string) {}

  /** The database once opened, for what Prisma cannot do (a backup of the running database). */
  get instance(): PGlite | undefined {
    return this.pglite;
  }

  async connect(): Promise<SqlDriverAdapter> {
    if (!this.pglite) {
      acquirePgliteLock(this.dataDir);
      this.pglite = openPglite(this.dataDir);
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
    return new PrismaPGlite(new PGlite({ extensions: PGLITE_EXTENSIONS })).connectToShadowDb();
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

/**
 * adapter-pg runs a migration script by splitting it at every semicolon, which cuts a function body
 * (`$$ … ; … $$`) apart. PostgreSQL's simple query protocol takes the whole script at once, and runs its
 * statements as one implicit transaction. Only the migration process uses this.
 */
class WholeScriptPgFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider: PrismaPg["provider"];
  readonly adapterName: string;

  constructor(
    private readonly inner: PrismaPg,
    private readonly pool: pg.Pool,
  ) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.inner.connect();
    const pool = this.pool;
    // The adapter's own error conversion, so Prisma reports a failing migration as it would any other.
    const reportError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
    return Object.assign(adapter, {
      async executeScript(script: string) {
        try {
          await pool.query(script);
        } catch (error) {
          reportError(error);
        }
      },
    });
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.inner.connectToShadowDb();
  }
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
  const factory = new PrismaPg(pool, { disposeExternalPool: true });
  return options.forMigration ? new WholeScriptPgFactory(factory, pool) : factory;
}
