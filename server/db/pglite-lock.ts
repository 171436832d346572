import fs from "node:fs";
import path from "node:path";

/**
 * PGlite keeps one in-process Postgres over its data directory; two processes writing the same
 * directory corrupt it. This lock file (holding the owner's PID) refuses a second process at once.
 * A lock left by a process that died (SIGKILL, power loss) is taken over, so a crash never blocks a restart.
 */
export class DatabaseInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database at ${dataDir} is already in use by another process (PID ${pid}). ` +
        `Stop that process first, or point DATABASE_URL at another directory (DATABASE_URL=pglite:<dir>).`,
    );
    this.name = "DatabaseInUseError";
  }
}

const held = new Map<string, string>();

/** The lock file's name inside the data directory; a copy of the directory carries it along. */
export const PGLITE_LOCK_FILE = "backup-monitor.lock";

function lockPath(dataDir: string) {
  return path.join(dataDir, PGLITE_LOCK_FILE);
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Throws DatabaseInUseError when a live process other than this one holds the directory. */
export function assertDatabaseFree(dataDir: string) {
  const owner = readOwner(lockPath(dataDir));
  if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
    throw new DatabaseInUseError(dataDir, owner);
  }
}

export function acquirePgliteLock(dataDir: string) {
  if (held.has(dataDir)) return;
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      held.set(dataDir, file);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(file);
      if (owner !== undefined && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseInUseError(dataDir, owner);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database at ${dataDir}`);
}

export function releasePgliteLock(dataDir: string) {
  const file = held.get(dataDir);
  if (!file) return;
  held.delete(dataDir);
  if (readOwner(file) === process.pid) fs.rmSync(file, { force: true });
}

process.once("exit", () => {
  for (const dir of [...held.keys()]) releasePgliteLock(dir);
});
