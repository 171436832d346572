import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLITE_EXTENSIONS } from "../../server/db/pglite";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createJobSchema } from "../../lib/jobs";
import { logLocationSchema, recordCustodySchema, registerTapeSchema, updateTapeSchema } from "../../lib/tapes";
import { migrate } from "../../server/db/migrate";
import { createUser, setUserRole } from "../../server/access/service";
import type { Actor } from "../../server/audit/service";
import { recordCustody } from "../../server/custody/service";
import { createDb, type Db } from "../../server/db";
import { BackupFileError } from "../../server/db/backup-archive";
import { backupDatabase, restoreBackup, type RestoreResult } from "../../server/db/backup";
import { DatabaseInUseError, PGLITE_LOCK_FILE } from "../../server/db/pglite-lock";
import { createJob } from "../../server/jobs/service";
import { logLocation } from "../../server/locations/service";
import { deleteTape, registerTape, updateTape } from "../../server/tapes/service";
import { testDatabaseUrl } from "../helpers/database";

const REPO = path.resolve(__dirname, "../..");
const actor: Actor = { id: null, name: "Backup test" };
const HOUR = 3_600_000;

let tmp: string;
let dataDir: string;
let olderBackup: string;
let newestMigration: string;
let upgrade: RestoreResult;
let fakeServer: ChildProcess | undefined;

function migrationNames() {
  const dir = path.join(REPO, "prisma/migrations");
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, "migration.sql")))
    .sort();
}

/**
 * A checkout of the app as it was one migration ago: the same code and config, the newest migration
 * missing. Migrating a database with it gives what an older release would have backed up.
 */
function olderApp(): string {
  const root = path.join(tmp, "older-app");
  fs.mkdirSync(path.join(root, "prisma/migrations"), { recursive: true });
  for (const entry of ["node_modules", "server"]) fs.symlinkSync(path.join(REPO, entry), path.join(root, entry));
  for (const file of ["prisma.config.ts", "prisma/schema.prisma", "prisma/migrations/migration_lock.toml"]) {
    fs.copyFileSync(path.join(REPO, file), path.join(root, file));
  }
  for (const name of migrationNames().slice(0, -1)) {
    fs.cpSync(path.join(REPO, "prisma/migrations", name), path.join(root, "prisma/migrations", name), {
      recursive: true,
    });
  }
  return root;
}

const open = (dir: string) => createDb({ kind: "pglite", dataDir: dir });

/** Closing must hand the directory back, or a restore in this process would not be refused by anything. */
async function close(db: Db, dir: string) {
  await db.$disconnect();
  expect(fs.existsSync(path.join(dir, PGLITE_LOCK_FILE)), "lock released on disconnect").toBe(false);
}

/** Every row of every table in the schema, as JSON text, in a stable order. */
async function everyTable(db: Db): Promise<Record<string, string[]>> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT tablename::text AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`;
  const state: Record<string, string[]> = {};
  for (const { name } of tables) {
    const rows = await db.$queryRawUnsafe<{ row: string }[]>(
      `SELECT to_jsonb(t)::text AS row FROM "public"."${name}" t ORDER BY 1`,
    );
    state[name] = rows.map(({ row }) => row);
  }
  return state;
}

/** Names and contents of every file under `dir`, to show a refused restore did not touch it. */
function fingerprint(dir: string): string {
  const hash = createHash("sha256");
  const visit = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(at, entry.name);
      hash.update(path.relative(dir, full));
      if (entry.isDirectory()) visit(full);
      else hash.update(fs.readFileSync(full));
    }
  };
  visit(dir);
  return hash.digest("hex");
}

const siblings = () => fs.readdirSync(tmp).sort();

async function writeSampleData(db: Db) {
  const admin = await createUser(db, actor, {
    name: "Ana Admin",
    email: "ana@example.test",
    password: "tape-vault-2024-secure",
    role: "admin",
  });
  const courier = await createUser(db, actor, {
    name: "Cora Courier",
    email: "cora@example.test",
    password: "tape-vault-2024-secure",
    role: "courier",
  });
  const tapes = [];
  for (const [barcode, status] of [
    ["BAK001L9", "full"],
    ["BAK002L9", "in_use"],
    ["BAK003L8", "empty"],
  ] as const) {
    tapes.push(await registerTape(db, actor, registerTapeSchema.parse({ barcode, status, tags: ["weekly"] })));
  }
  for (const [i, tape] of tapes.entries()) {
    await logLocation(
      db,
      actor,
      logLocationSchema.parse({
        tapeId: tape.id,
        kind: "on_site",
        site: "Server room",
        occurredAt: new Date(Date.now() - (3 + i) * HOUR),
      }),
    );
    await logLocation(
      db,
      actor,
      logLocationSchema.parse({
        tapeId: tape.id,
        kind: "off_site",
        site: "Iron Vault",
        locker: `L-${i}`,
        occurredAt: new Date(Date.now() - HOUR),
      }),
    );
  }
  await recordCustody(
    db,
    actor,
    recordCustodySchema.parse({
      tapeId: tapes[0]!.id,
      fromParty: "Operations",
      toParty: "Courier",
      signerName: "Cora Courier",
    }),
  );
  await createJob(
    db,
    actor,
    createJobSchema.parse({
      name: "Weekly full",
      jobDate: "2026-11-20T22:00:00Z",
      retentionDays: 90,
      tapeIds: [tapes[0]!.id, tapes[1]!.id],
    }),
  );
  return { adminId: admin.id, courierId: courier.id, tapeIds: tapes.map((tape) => tape.id) };
}

// The embedded database only; the PostgreSQL run of this suite has nothing to back up with these commands.
describe.skipIf(testDatabaseUrl())("backup and restore of the embedded database", () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "backup-monitor-backup-"));
    newestMigration = migrationNames().at(-1)!;
    const older = path.join(tmp, "older");
    await migrate(olderApp(), { kind: "pglite", dataDir: older });
    olderBackup = path.join(tmp, "older.tar.gz");
    await backupDatabase(older, olderBackup);
    dataDir = path.join(tmp, "data");
    upgrade = await restoreBackup(olderBackup, dataDir);
  }, 600_000);

  afterAll(() => {
    fakeServer?.kill("SIGKILL");
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test("a backup made before the newest migration is restored and brought up to the current schema", async () => {
    expect(upgrade).toMatchObject({ dataDir, previousDir: undefined, appliedMigrations: [newestMigration] });
    const db = open(dataDir);
    const applied = await db.$queryRaw<{ name: string }[]>`
      SELECT migration_name AS name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`;
    expect(applied.map(({ name }) => name)).toEqual(migrationNames());
    await close(db, dataDir);
  }, 60_000);

  test("a restore puts back every row of every table as it was at backup time", async () => {
    let db = open(dataDir);
    const { courierId, tapeIds } = await writeSampleData(db);
    const atBackup = await everyTable(db);
    for (const table of [
      "app_user",
      "backup_tape_cartridge",
      "backup_tape_location",
      "backup_tape_custody",
      "backup_job",
      "backup_job_tape",
      "backup_audit_log",
    ]) {
      expect(atBackup[table]?.length, `${table} has rows to compare`).toBeGreaterThan(0);
    }
    await close(db, dataDir);

    const file = path.join(tmp, "backups", "round-trip.tar.gz");
    const backup = await backupDatabase(dataDir, file);
    expect(backup.bytes).toBe(fs.statSync(file).size);
    // It holds password hashes and session tokens: its owner's alone, whatever the umask.
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    expect(fs.existsSync(`${file}.partial`)).toBe(false);

    // Deletes (with their cascades), edits and additions across the tables.
    db = open(dataDir);
    await deleteTape(db, actor, tapeIds[0]!);
    await updateTape(
      db,
      actor,
      tapeIds[1]!,
      updateTapeSchema.parse({ status: "full", tags: ["monthly"], notes: "Edited after the backup" }),
    );
    await registerTape(db, actor, registerTapeSchema.parse({ barcode: "BAK009L9" }));
    await setUserRole(db, actor, courierId, "custodian");
    await createUser(db, actor, {
      name: "Late User",
      email: "late@example.test",
      password: "tape-vault-2024-secure",
      role: "staff",
    });
    const changed = await everyTable(db);
    expect(changed).not.toEqual(atBackup);
    await close(db, dataDir);

    const result = await restoreBackup(file, dataDir);
    expect(result.appliedMigrations).toEqual([]);
    expect(result.previousDir).toMatch(/[/\\]data\.before-restore-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);

    db = open(dataDir);
    expect(await everyTable(db)).toEqual(atBackup);
    await close(db, dataDir);

    // The data that was replaced is kept, whole, under the name the restore reported.
    const previous = open(result.previousDir!);
    expect(await everyTable(previous)).toEqual(changed);
    await close(previous, result.previousDir!);
    expect(siblings().filter((name) => name.includes(".restoring-"))).toEqual([]);
  }, 180_000);

  test("backup and restore are refused while a live process holds the directory", async () => {
    fakeServer = spawn("sleep", ["60"], { stdio: "ignore" });
    const lock = path.join(dataDir, PGLITE_LOCK_FILE);
    fs.writeFileSync(lock, String(fakeServer.pid));
    const before = { files: fingerprint(dataDir), siblings: siblings() };
    try {
      const file = path.join(tmp, "while-running.tar.gz");
      await expect(backupDatabase(dataDir, file)).rejects.toThrow(DatabaseInUseError);
      expect(fs.existsSync(file)).toBe(false);
      await expect(restoreBackup(olderBackup, dataDir)).rejects.toThrow(
        expect.objectContaining({
          name: "DatabaseInUseError",
          pid: fakeServer.pid,
          message: expect.stringContaining(dataDir),
        }),
      );
      expect({ files: fingerprint(dataDir), siblings: siblings() }).toEqual(before);
      expect(fs.readFileSync(lock, "utf8")).toBe(String(fakeServer.pid));
    } finally {
      fakeServer.kill("SIGKILL");
      fakeServer = undefined;
      fs.rmSync(lock, { force: true });
    }
  }, 60_000);

  test("a missing, damaged or foreign file is refused and the current data stays as it was", async () => {
    const write = (name: string, bytes: Uint8Array) => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, bytes);
      return file;
    };
    const good = fs.readFileSync(olderBackup);
    // A PostgreSQL data directory of some other application, and one of a newer release of this app.
    const other = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
    const foreign = new Uint8Array(await (await other.dumpDataDir("gzip")).arrayBuffer());
    await other.exec(`CREATE TABLE _prisma_migrations (migration_name text, finished_at timestamptz, rolled_back_at timestamptz);
      INSERT INTO _prisma_migrations VALUES ('29991231000000_from_the_future', now(), NULL);`);
    const newer = new Uint8Array(await (await other.dumpDataDir("gzip")).arrayBuffer());
    await other.close();

    const cases: [string, RegExp][] = [
      [path.join(tmp, "no-such-backup.tar.gz"), /There is no backup file/],
      [
        write(
          "random.tar.gz",
          new Uint8Array(4096).map((_, i) => (i * 7919) % 251),
        ),
        /not a Backup Monitor backup/,
      ],
      [write("truncated.tar.gz", good.subarray(0, Math.floor(good.length / 2))), /is damaged/],
      [
        write(
          "flipped.tar.gz",
          Buffer.concat([good.subarray(0, 5000), Buffer.from([good[5000]! ^ 0xff]), good.subarray(5001)]),
        ),
        /is damaged/,
      ],
      [write("empty.tar.gz", new Uint8Array(0)), /not a Backup Monitor backup/],
      [write("foreign.tar.gz", foreign), /not a Backup Monitor backup \(no migration history\)/],
      [write("newer.tar.gz", newer), /newer version of Backup Monitor/],
    ];
    const before = { files: fingerprint(dataDir), siblings: siblings() };
    for (const [file, message] of cases) {
      const failure = restoreBackup(file, dataDir);
      await expect(failure, path.basename(file)).rejects.toThrow(BackupFileError);
      await expect(failure, path.basename(file)).rejects.toThrow(message);
    }
    expect({ files: fingerprint(dataDir), siblings: siblings() }).toEqual(before);
  }, 180_000);
});
