import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  acquirePgliteLock,
  assertDatabaseFree,
  DatabaseInUseError,
  releasePgliteLock,
  startTimeOf,
} from "../../server/db/pglite-lock";

const LOCK_FILE = "backup-monitor.lock";

let dataDir: string;
let otherProcess: ChildProcess | undefined;

beforeEach(() => {
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pglite-lock-")), "data");
});

afterEach(() => {
  releasePgliteLock(dataDir);
  otherProcess?.kill("SIGKILL");
  otherProcess = undefined;
  fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

const lockFile = () => fs.readFileSync(path.join(dataDir, LOCK_FILE), "utf8");
/** The PID the lock names (followed, on Linux, by when that process started). */
const lockOwner = () => lockFile().split(" ")[0];

/** A lock as a process writes it: its PID and start time, or only the PID as where /proc is missing. */
function writeLockFor(pid: number, startedAt?: string) {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, LOCK_FILE), startedAt === undefined ? String(pid) : `${pid} ${startedAt}`);
}

/** Another live process, standing in for a second app server on the same directory. */
function liveProcess(): number {
  otherProcess = spawn("sleep", ["30"], { stdio: "ignore" });
  return otherProcess.pid!;
}

/** The PID of a process that has already exited, like a server killed with SIGKILL. */
function deadPid(): number {
  const child = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" });
  return Number(child.stdout.trim());
}

describe("PGlite data directory lock", () => {
  test("the first acquire creates the directory and records this process", () => {
    acquirePgliteLock(dataDir);
    expect(lockOwner()).toBe(String(process.pid));
    // Acquiring again from the same process is harmless (the app and migrations share it).
    acquirePgliteLock(dataDir);
    expect(() => assertDatabaseFree(dataDir)).not.toThrow();
  });

  test("release removes the lock so the next process can start", () => {
    acquirePgliteLock(dataDir);
    releasePgliteLock(dataDir);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE))).toBe(false);
  });

  test("a directory held by another live process is refused with a message naming it", () => {
    const pid = liveProcess();
    writeLockFor(pid);

    let error: unknown;
    try {
      acquirePgliteLock(dataDir);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatabaseInUseError);
    expect(error).toMatchObject({ dataDir, pid });
    expect((error as Error).message).toContain(dataDir);
    expect((error as Error).message).toContain(`PID ${pid}`);
    expect((error as Error).message).toContain("DATABASE_URL=pglite:");
    expect(() => assertDatabaseFree(dataDir)).toThrow(DatabaseInUseError);
    // The other process's lock is left alone.
    expect(lockOwner()).toBe(String(pid));
  });

  test.runIf(process.platform === "linux")("on Linux the lock records when its process started", () => {
    acquirePgliteLock(dataDir);
    expect(lockFile()).toBe(`${process.pid} ${startTimeOf(process.pid)}`);
    expect(startTimeOf(process.pid)).toMatch(/^\d+$/);
  });

  test.runIf(process.platform === "linux")(
    "the live process the lock names, started when it says, holds the directory",
    () => {
      const pid = liveProcess();
      writeLockFor(pid, startTimeOf(pid));
      expect(() => acquirePgliteLock(dataDir)).toThrow(DatabaseInUseError);
      expect(() => assertDatabaseFree(dataDir)).toThrow(DatabaseInUseError);
    },
  );

  test.runIf(process.platform === "linux")(
    "a lock whose PID now belongs to a newer process, as after a container restart, is taken over",
    () => {
      const pid = liveProcess();
      writeLockFor(pid, String(Number(startTimeOf(pid)) - 1));

      expect(() => assertDatabaseFree(dataDir)).not.toThrow();
      acquirePgliteLock(dataDir);
      expect(lockOwner()).toBe(String(process.pid));
    },
  );

  test("a lock left by a process that died is taken over", () => {
    const pid = deadPid();
    expect(() => process.kill(pid, 0)).toThrow();
    writeLockFor(pid);

    expect(() => assertDatabaseFree(dataDir)).not.toThrow();
    acquirePgliteLock(dataDir);
    expect(lockOwner()).toBe(String(process.pid));
  });

  test("an unreadable lock file is taken over", () => {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, LOCK_FILE), "not a pid");

    acquirePgliteLock(dataDir);
    expect(lockOwner()).toBe(String(process.pid));
  });

  test("releasing never deletes a lock another process has taken since", () => {
    acquirePgliteLock(dataDir);
    const pid = liveProcess();
    writeLockFor(pid);

    releasePgliteLock(dataDir);
    expect(lockOwner()).toBe(String(pid));
  });
});
