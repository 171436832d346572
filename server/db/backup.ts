import { randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { knownMigrations, migrate } from "./migrate";
import { embeddedDatabaseOf, type Db } from "../db";
import { DomainError } from "../errors";
import { BackupFileError, parseBackupArchive, readBackupArchive } from "./backup-archive";
import { openPglite } from "./pglite";
import { acquirePgliteLock, assertDatabaseFree, PGLITE_LOCK_FILE, releasePgliteLock } from "./pglite-lock";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** 2026-11-26T15-04-05Z: sortable, and valid in file names on every system. */
export function timestamp(now = new Date()) {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replaceAll(":", "-");
}

export function defaultBackupFile(now = new Date()) {
  return path.join("backups", `backup-monitor-${timestamp(now)}.tar.gz`);
}

export function formatSize(bytes: number) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function hasDatabase(dataDir: string) {
  return fs.existsSync(path.join(dataDir, "PG_VERSION"));
}

/** `base`, or `base-2`, … when a restore already ran within the same second. */
function unusedPath(base: string) {
  let candidate = base;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${base}-${n}`;
  return candidate;
}

/**
 * Written under a temporary name and renamed, so a backup file that exists is always complete. Readable
 * by its owner only: a backup holds password hashes and session tokens.
 */
export function writeFileDurably(file: string, bytes: Uint8Array) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.partial`;
  const fd = fs.openSync(partial, "w", 0o600);
  try {
    // The mode above applies only to a new file, and after the umask.
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(partial, file);
}

export type BackupResult = { file: string; bytes: number };

/**
 * A gzipped tar of the database, checked to be one a restore accepts. A CHECKPOINT first flushes every
 * change to the data files, so opening the copy has next to nothing to replay. Nothing else runs on the
 * database meanwhile: the caller holds it to itself.
 */
async function dumpChecked(pglite: PGlite): Promise<Uint8Array> {
  await pglite.exec("CHECKPOINT");
  const archive = await pglite.dumpDataDir("gzip");
  const bytes = new Uint8Array(await archive.arrayBuffer());
  // Read back what was produced, so a backup that could not be restored is never reported as written.
  parseBackupArchive(bytes, "The backup just taken");
  return bytes;
}

/**
 * Writes a gzipped tar of the embedded database at `dataDir` to `file`, while no server runs on it: the
 * directory lock is held for the whole copy.
 */
export async function backupDatabase(dataDir: string, file: string): Promise<BackupResult> {
  if (!hasDatabase(dataDir)) throw new Error(`There is no embedded database at ${dataDir}.`);
  if (fs.existsSync(file)) throw new Error(`${file} already exists; choose another file name.`);
  acquirePgliteLock(dataDir);
  let bytes: Uint8Array;
  try {
    const pglite = openPglite(dataDir);
    try {
      await pglite.waitReady;
      bytes = await dumpChecked(pglite);
    } finally {
      if (pglite.ready) await pglite.close();
    }
  } finally {
    releasePgliteLock(dataDir);
  }
  writeFileDurably(file, bytes);
  return { file, bytes: bytes.length };
}

/**
 * A backup of the embedded database this process serves, taken while it keeps serving. It waits for the
 * transaction in progress, if any, and holds off the next ones and every other statement during the
 * copy, so the copy is the database as of one moment between two transactions: every change
 * acknowledged before it, nothing half done. PGlite's transaction lock is the one every query, exec and
 * transaction of the Prisma adapter takes first, and the copy takes only the query lock under it, which
 * nothing else holds outside a transaction: the two cannot wait on each other. Nothing inside may call
 * `query` or `exec`, which would wait for the lock held around them.
 */
export async function backupRunningDatabase(db: Db): Promise<Uint8Array> {
  await db.$queryRaw`SELECT 1`; // the embedded database opens on first use
  const pglite = embeddedDatabaseOf(db);
  if (!pglite) {
    throw new DomainError(
      "CONFLICT",
      "This server runs on PostgreSQL: back it up with PostgreSQL's own tools (pg_dump), as the README shows.",
    );
  }
  // exec takes the transaction lock itself, so the CHECKPOINT runs before the copy holds it.
  await pglite.exec("CHECKPOINT");
  const archive = await pglite._runExclusiveTransaction(() => pglite.dumpDataDir("gzip"));
  const bytes = new Uint8Array(await archive.arrayBuffer());
  parseBackupArchive(bytes, "The backup just taken");
  return bytes;
}

// ------------------------------------------------------------------------------------------ the local token

/**
 * `npm run db:backup` asks the running server for a backup with the token in this file, beside the data
 * directory. Whoever can read it can read the data directory itself, so it grants nothing more; it is
 * created by the command, owner-only, and the server refuses a file others could read or replace.
 */
export function backupTokenFile(dataDir: string) {
  return path.join(path.dirname(dataDir), "backup.token");
}

function readToken(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return undefined;
  }
  if ((stat.mode & 0o077) !== 0 || (process.getuid && stat.uid !== process.getuid())) return undefined;
  const token = fs.readFileSync(file, "utf8").trim();
  return /^[0-9a-f]{64}$/.test(token) ? token : undefined;
}

/** The token, created on first use. */
export function backupToken(dataDir: string): string {
  const file = backupTokenFile(dataDir);
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const token = readToken(file);
  if (!token) throw new Error(`${file} must belong to this user, be readable by it alone and hold a token; delete it.`);
  return token;
}

/** Whether a request's `Authorization: Bearer …` carries the token of the data directory. */
export function hasBackupToken(dataDir: string, authorization: string | null): boolean {
  const presented = /^Bearer ([0-9a-f]{64})$/.exec(authorization ?? "")?.[1];
  const token = readToken(backupTokenFile(dataDir));
  return !!presented && !!token && timingSafeEqual(Buffer.from(presented), Buffer.from(token));
}

/**
 * Unpacks the archive into an empty directory through PGlite itself and opens the result: it must start
 * and be this app's database. Returns the migrations it has applied.
 */
async function unpackAndCheck(archiveTar: Uint8Array, dir: string, file: string): Promise<string[]> {
  const pglite = openPglite(dir, {
    loadDataDir: new Blob([new Uint8Array(archiveTar)], { type: "application/x-tar" }),
  });
  try {
    try {
      await pglite.waitReady;
    } catch (error) {
      throw new BackupFileError(
        `The database in ${file} does not open: ${(error as Error).message}; nothing was changed.`,
      );
    }
    const exists = await pglite.query<{ found: boolean }>(
      "SELECT to_regclass('public._prisma_migrations') IS NOT NULL AS found",
    );
    if (!exists.rows[0]?.found) {
      throw new BackupFileError(`${file} is not a Backup Monitor backup (no migration history); nothing was changed.`);
    }
    const applied = await pglite.query<{ name: string }>(
      "SELECT migration_name AS name FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY migration_name",
    );
    return applied.rows.map((row) => row.name);
  } finally {
    if (pglite.ready) await pglite.close();
  }
}

/**
 * Moves the restored directory into place. The lock is taken on the current directory first, so a server
 * started since the first check is noticed and keeps its data; the current directory is renamed, never
 * deleted, and is put back if the restored one cannot take its place.
 */
function swapIn(restored: string, dataDir: string, stamp: string): string | undefined {
  if (!fs.existsSync(dataDir)) {
    fs.renameSync(restored, dataDir);
    return undefined;
  }
  acquirePgliteLock(dataDir);
  const previous = unusedPath(`${dataDir}.before-restore-${stamp}`);
  try {
    fs.renameSync(dataDir, previous);
  } catch (error) {
    releasePgliteLock(dataDir);
    throw error;
  }
  try {
    fs.renameSync(restored, dataDir);
  } catch (error) {
    try {
      fs.renameSync(previous, dataDir);
    } catch {
      throw new Error(`${(error as Error).message}; the previous data is in ${previous}`, { cause: error });
    }
    releasePgliteLock(dataDir);
    throw error;
  }
  // The lock file went along with the previous directory; the restored one has none.
  releasePgliteLock(dataDir);
  fs.rmSync(path.join(previous, PGLITE_LOCK_FILE), { force: true });
  return previous;
}

export type RestoreResult = {
  dataDir: string;
  /** Where the data that was there before now is, if there was any. */
  previousDir: string | undefined;
  /** Migrations applied to bring an older backup up to this version. */
  appliedMigrations: string[];
};

/**
 * Replaces the embedded database at `dataDir` with the backup in `file`. The backup is checked, unpacked,
 * opened and migrated in a directory beside `dataDir` first; only a restore that got that far replaces
 * the current data, which is kept under a new name. Any failure before leaves `dataDir` as it was.
 */
export async function restoreBackup(file: string, dataDir: string, { root = ROOT } = {}): Promise<RestoreResult> {
  const archive = readBackupArchive(file);
  assertDatabaseFree(dataDir);

  const stamp = timestamp();
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  // Beside dataDir, so the final move is a rename within one filesystem.
  const staging = fs.mkdtempSync(`${dataDir}.restoring-${stamp}-`);
  let pending: string[];
  try {
    pending = await prepareRestore(archive.tar, staging, file, root);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (error instanceof BackupFileError) throw error;
    throw new Error(`${(error as Error).message}. The embedded database at ${dataDir} was left as it was.`, {
      cause: error,
    });
  }
  try {
    const previousDir = swapIn(staging, dataDir, stamp);
    return { dataDir, previousDir, appliedMigrations: pending };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Unpacks, checks and migrates the backup in `staging`; returns the migrations it needed. */
async function prepareRestore(tar: Uint8Array, staging: string, file: string, root: string) {
  const applied = await unpackAndCheck(tar, staging, file);
  // The backup carries the lock file of the process that made it; it means nothing here.
  fs.rmSync(path.join(staging, PGLITE_LOCK_FILE), { force: true });

  const known = knownMigrations(root);
  const unknown = applied.filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new BackupFileError(
      `${file} comes from a newer version of Backup Monitor (migration ${unknown.join(", ")} is unknown here); ` +
        "update the app first. Nothing was changed.",
    );
  }
  const pending = known.filter((name) => !applied.includes(name));
  if (pending.length > 0) await migrate(root, { kind: "pglite", dataDir: staging });
  return pending;
}
