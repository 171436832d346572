import path from "node:path";
import { restoreBackup } from "../server/db/backup";
import { DatabaseInUseError } from "../server/db/pglite-lock";
import { env } from "../server/env";

/** `npm run db:restore <file>`: replaces the embedded database with a backup, keeping the current one aside. */
async function main() {
  const location = env().DATABASE_URL;
  if (location.kind === "postgres") {
    console.error(
      "  DATABASE_URL points at a PostgreSQL server, which this command does not restore. Use PostgreSQL's own tool:\n" +
        '    pg_restore --clean --dbname "$DATABASE_URL" backup-monitor.dump',
    );
    return 1;
  }
  const arg = process.argv[2];
  if (!arg) {
    console.error("  Usage: npm run db:restore <backup file>   (a file written by npm run db:backup)");
    return 1;
  }
  const file = path.resolve(arg);
  const started = performance.now();
  try {
    console.log(`  Restoring ${arg} into the embedded database at ${location.dataDir}…`);
    const result = await restoreBackup(file, location.dataDir);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (result.appliedMigrations.length > 0) {
      console.log(`  The backup was brought up to date with ${result.appliedMigrations.length} migration(s).`);
    }
    console.log(`  Restored in ${seconds} s.`);
    if (result.previousDir) {
      console.log(
        `  The data that was there before is kept in ${result.previousDir}; delete it when you no longer need it.`,
      );
    }
    return 0;
  } catch (error) {
    if (error instanceof DatabaseInUseError) {
      console.error(
        `  The server (PID ${error.pid}) is using the embedded database at ${error.dataDir}.\n` +
          "  Stop it first, then run the restore again. Nothing was changed.",
      );
    } else {
      console.error(`  Restore failed: ${(error as Error).message}`);
    }
    return 1;
  }
}

// main reports every failure itself and returns the exit code. The exit is explicit: a PGlite that failed
// to start can leave timers that would keep the process alive.
void main().then((code) => process.exit(code));
