import type { Db } from "../../server/db";

/** Kept beside `public` in the test's own database, so a restore is a copy within the database. */
const SNAPSHOT_SCHEMA = "test_snapshot";

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function publicTables(db: Db): Promise<string[]> {
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT tablename::text AS name FROM pg_tables
    WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
    ORDER BY tablename`;
  return rows.map((row) => row.name);
}

type ForeignKey = { child: string; parent: string };

async function foreignKeys(db: Db): Promise<ForeignKey[]> {
  return db.$queryRaw<ForeignKey[]>`
    SELECT child.relname::text AS child, parent.relname::text AS parent
    FROM pg_constraint c
    JOIN pg_class child ON child.oid = c.conrelid
    JOIN pg_class parent ON parent.oid = c.confrelid
    WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace AND child.oid <> parent.oid`;
}

/** The tables ordered so that every table comes after the tables its foreign keys point to. */
function parentsFirst(tables: string[], links: ForeignKey[]): string[] {
  const ordered: string[] = [];
  const visit = (table: string, path: string[]) => {
    if (ordered.includes(table)) return;
    if (path.includes(table)) throw new Error(`Foreign keys form a cycle through ${[...path, table].join(" → ")}`);
    for (const { parent } of links.filter((link) => link.child === table)) visit(parent, [...path, table]);
    ordered.push(table);
  };
  for (const table of tables) visit(table, []);
  return ordered;
}

/** The tables given and every table that references them, directly or not: what emptying them empties. */
function withDependents(tables: readonly string[], links: ForeignKey[]): Set<string> {
  const result = new Set(tables);
  for (let grew = true; grew;) {
    grew = false;
    for (const { child, parent } of links) {
      if (result.has(parent) && !result.has(child)) {
        result.add(child);
        grew = true;
      }
    }
  }
  return result;
}

export type TableFingerprint = Record<string, { rows: number; digest: string }>;

// The tables of a database do not change while a test file runs; asking once spares a query per fingerprint.
const fingerprintQueries = new WeakMap<Db, Promise<string>>();

async function fingerprintQuery(db: Db): Promise<string> {
  const tables = await publicTables(db);
  // A sum of row hashes: independent of row order, so no sort, and cheap enough to take around every call.
  return tables
    .map(
      (table) =>
        `SELECT '${table}' AS "table", count(*)::int AS rows, coalesce(sum(hashtext(t::text)::bigint), 0)::text AS digest ` +
        `FROM public.${quoted(table)} t`,
    )
    .join(" UNION ALL ");
}

/**
 * Row count and a digest of every row's content per table: two fingerprints are equal exactly when no
 * row was added, removed or changed in any table (barring a hash collision).
 */
export async function fingerprint(db: Db): Promise<TableFingerprint> {
  let query = fingerprintQueries.get(db);
  if (!query) fingerprintQueries.set(db, (query = fingerprintQuery(db)));
  const rows = await db.$queryRawUnsafe<{ table: string; rows: number; digest: string }[]>(await query);
  return Object.fromEntries(rows.map(({ table, rows: count, digest }) => [table, { rows: count, digest }]));
}

/**
 * Where the database's transactions stand (its current snapshot: the next transaction id, and those still
 * running). Writing a row takes a transaction id, so while the mark is the same as before, no row was
 * written, even by a transaction rolled back: one trivial query instead of a fingerprint. A different mark
 * proves nothing (on PostgreSQL it is the whole server's, which other databases' writes move too), so
 * then take a fingerprint.
 */
export async function writeMark(db: Db): Promise<string> {
  const [row] = await db.$queryRaw<{ mark: string }[]>`SELECT pg_current_snapshot()::text AS mark`;
  return row!.mark;
}

/** The tables whose rows differ between two fingerprints. */
export function changedTables(before: TableFingerprint, after: TableFingerprint): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables].filter((table) => JSON.stringify(before[table]) !== JSON.stringify(after[table])).sort();
}

export type DbSnapshot = {
  /**
   * Puts tables back to their content when the snapshot was taken: the ones named (and the tables that
   * reference them, which emptying them would empty too), or all of them.
   */
  restore: (tables?: readonly string[]) => Promise<void>;
};

/**
 * Copies every table of the test database aside so later tests can start again from exactly this state
 * in a few statements: much cheaper than a new database or re-creating the data (passwords are hashed).
 */
export async function takeSnapshot(db: Db): Promise<DbSnapshot> {
  const links = await foreignKeys(db);
  const tables = parentsFirst(await publicTables(db), links);
  const serials = await db.$queryRaw<{ table: string; column: string }[]>`
    SELECT table_name::text AS "table", column_name::text AS "column" FROM information_schema.columns
    WHERE table_schema = 'public' AND column_default LIKE 'nextval(%'`;

  await db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${SNAPSHOT_SCHEMA} CASCADE`);
  await db.$executeRawUnsafe(`CREATE SCHEMA ${SNAPSHOT_SCHEMA}`);
  for (const table of tables) {
    await db.$executeRawUnsafe(`CREATE TABLE ${SNAPSHOT_SCHEMA}.${quoted(table)} AS TABLE public.${quoted(table)}`);
  }

  return {
    async restore(only = tables) {
      const chosen = withDependents(only, links);
      const restored = tables.filter((table) => chosen.has(table));
      if (restored.length === 0) return;
      const statements = [
        // The rows go back as they were, triggers' own rows included (the rotation's per-cartridge rows):
        // a trigger fired by the copy would write them a second time.
        "SET LOCAL session_replication_role = replica",
        // No CASCADE: a referencing table left out would be an error here, not silently emptied.
        // TRUNCATE fires no row triggers, so nothing (the cartridge tombstones, say) is written meanwhile.
        `TRUNCATE ${restored.map((table) => `public.${quoted(table)}`).join(", ")}`,
        ...restored.map(
          (table) => `INSERT INTO public.${quoted(table)} SELECT * FROM ${SNAPSHOT_SCHEMA}.${quoted(table)}`,
        ),
        // A truncation elsewhere may have restarted a sequence below ids the snapshot holds.
        ...serials
          .filter(({ table }) => chosen.has(table))
          .map(
            ({ table, column }) =>
              `SELECT setval(pg_get_serial_sequence('public.${quoted(table)}', '${column}'), ` +
              `coalesce((SELECT max(${quoted(column)}) FROM public.${quoted(table)}), 0) + 1, false)`,
          ),
      ];
      await db.$transaction(statements.map((statement) => db.$executeRawUnsafe(statement)));
    },
  };
}
