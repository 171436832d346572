import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { knownMigrations, migrate } from "./migrate";
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
 * Writes a gzipped tar of the embedded database at `dataDir` to `file`. The directory lock is held for
 * the whole copy, so no server writes meanwhile; a CHECKPOINT first flushes every change to the data
 * files, so opening the copy has next to nothing to replay.
 */
export async function backupDatabase(dataDir: string, file: string): Promise<BackupResult> {
  if (!hasDatabase(dataDir)) throw new Error(`There is no embedded database at ${dataDir}.`);
  if (fs.existsSync(file)) throw new Error(`${file} already exists; choose another file name.`);
  acquirePgliteLock(dataDir);
  let archive: Blob;
  try {
    const pglite = openPglite(dataDir);
    try {
      await pglite.waitReady;
      await pglite.exec("CHECKPOINT");
      archive = await pglite.dumpDataDir("gzip");
    } finally {
      if (pglite.ready) await pglite.close();
    }
  } finally {
    releasePgliteLock(dataDir);
  }
  const bytes = new Uint8Array(await archive.arrayBuffer());
  // Read back what was produced, so a backup that could not be restored is never reported as written.
  parseBackupArchive(bytes, "The backup just written");
  writeFileDurably(file, bytes);
  return { file, bytes: bytes.length };
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
