import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { testDatabaseUrl } from "../helpers/database";

const REPO = path.resolve(__dirname, "../..");
let tmp: string;

/**
 * The system calls a child made, as `strace -f -y` prints them: `fsync(12</path/to/file>) = 0` and the
 * child's writes to stdout, in the order the kernel saw them.
 */
function traceOf(dataDir: string) {
  const log = path.join(tmp, "strace.log");
  const child = spawnSync(
    "strace",
    [
      "-f",
      "-y",
      "-qq",
      "-s",
      "100",
      "--seccomp-bpf",
      "-e",
      "trace=fsync,fdatasync,write",
      "-o",
      log,
      process.execPath,
      "--import",
      "tsx",
      path.join(REPO, "tests/helpers/push-one-batch.ts"),
      dataDir,
    ],
    { cwd: REPO, encoding: "utf8", timeout: 120_000 },
  );
  expect(child.error, "strace runs (apt-get install strace)").toBeUndefined();
  expect(child.status, child.stderr).toBe(0);
  expect(child.stdout, "the push was acknowledged").toContain("MARK acknowledged applied,applied");
  return fs.readFileSync(log, "utf8").split("\n");
}

const WAL_FLUSH = /^(\d+) +(fsync|fdatasync)\(\d+<[^>]*\/pg_wal\/[0-9A-F]{24}>/;

/**
 * The WAL flushes that returned 0. With `-f`, a call another thread interrupts is printed in two lines,
 * `fsync(12</…/pg_wal/…> <unfinished ...>` and later `<... fsync resumed>) = 0`, which a busy machine makes
 * likely: both halves count as one flush.
 */
function completedWalFlushes(lines: string[]): string[] {
  const pending = new Map<string, string>();
  const flushes: string[] = [];
  for (const line of lines) {
    const call = WAL_FLUSH.exec(line);
    if (call && / = 0$/.test(line)) flushes.push(line);
    else if (call && line.endsWith("<unfinished ...>")) pending.set(`${call[1]} ${call[2]}`, line);
    else {
      const resumed = /^(\d+) +<\.\.\. (fsync|fdatasync) resumed>.* = 0$/.exec(line);
      const started = resumed && pending.get(`${resumed[1]} ${resumed[2]}`);
      if (started) flushes.push(`${started} ${line}`);
    }
  }
  return flushes;
}

// The embedded database only: PostgreSQL flushes its own commits.
describe.skipIf(testDatabaseUrl())("durability of the embedded database", () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backup-monitor-durability-"));
    const snapshot = inject("pgliteSnapshotPath")!;
    const seed = new PGlite(path.join(tmp, "data"), {
      extensions: PGLITE_EXTENSIONS,
      loadDataDir: new Blob([fs.readFileSync(snapshot)]),
    });
    await seed.waitReady;
    await seed.close();
  }, 300_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("events pushed by a phone are flushed to the WAL on disk before the push is acknowledged", () => {
    const lines = traceOf(path.join(tmp, "data"));
    const start = lines.findIndex((line) => line.includes('"MARK push\\n"'));
    const acknowledged = lines.findIndex((line) => line.includes('"MARK acknowledged'));
    expect(start, "the push started").toBeGreaterThan(-1);
    expect(acknowledged, "the acknowledgement was written").toBeGreaterThan(start);
    const walFlushes = completedWalFlushes(lines.slice(start, acknowledged));
    expect(walFlushes, "fsync of a WAL segment between the push and its acknowledgement").not.toEqual([]);
  }, 180_000);
});
