import fs from "node:fs";
import path from "node:path";

/**
 * PGlite keeps one in-process Postgres over its data directory; two processes writing the same
 * directory corrupt it. This lock file (holding the owner's PID and, on Linux, when that process started)
 * refuses a second process at once. A lock left by a process that died (SIGKILL, power loss) is taken
 * over, so a crash never blocks a restart, also when its PID now belongs to another process, as after a
 * container restarts.
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

type Owner = { pid: number; startedAt?: string };

/**
 * When a process started, as the kernel counts it (field 22 of /proc/<pid>/stat, clock ticks since boot):
 * a PID is reused, a PID with its start time is not. Undefined where /proc cannot tell.
 */
export function startTimeOf(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name, field 2, is in parentheses and may hold spaces; field 3 follows ") ".
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): Owner | undefined {
  try {
    const [pid, startedAt] = fs.readFileSync(file, "utf8").trim().split(" ");
    const owner = Number.parseInt(pid ?? "", 10);
    return Number.isFinite(owner) ? { pid: owner, startedAt } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the lock's owner is another process still running: alive, and not a newer process with its PID. */
function heldByAnother(owner: Owner | undefined): owner is Owner {
  if (owner === undefined || owner.pid === process.pid || !isAlive(owner.pid)) return false;
  const startedAt = owner.startedAt === undefined ? undefined : startTimeOf(owner.pid);
  return startedAt === undefined || startedAt === owner.startedAt;
}

/** Throws DatabaseInUseError when a live process other than this one holds the directory. */
export function assertDatabaseFree(dataDir: string) {
  const owner = readOwner(lockPath(dataDir));
  if (heldByAnother(owner)) throw new DatabaseInUseError(dataDir, owner.pid);
}

export function acquirePgliteLock(dataDir: string) {
  if (held.has(dataDir)) return;
  fs.mkdirSync(dataDir, { recursive: true });
  const file = lockPath(dataDir);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const startedAt = startTimeOf(process.pid);
      fs.writeFileSync(file, startedAt === undefined ? String(process.pid) : `${process.pid} ${startedAt}`, {
        flag: "wx",
      });
      held.set(dataDir, file);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = readOwner(file);
      if (heldByAnother(owner)) throw new DatabaseInUseError(dataDir, owner.pid);
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock the embedded database at ${dataDir}`);
}

export function releasePgliteLock(dataDir: string) {
  const file = held.get(dataDir);
  if (!file) return;
  held.delete(dataDir);
  if (readOwner(file)?.pid === process.pid) fs.rmSync(file, { force: true });
}

process.once("exit", () => {
  for (const dir of [...held.keys()]) releasePgliteLock(dir);
});
