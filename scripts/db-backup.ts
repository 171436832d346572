import path from "node:path";
import { backupDatabase, defaultBackupFile, formatSize } from "../server/db/backup";
import { DatabaseInUseError } from "../server/db/pglite-lock";
import { env } from "../server/env";

/** `npm run db:backup [file]`: a consistent copy of the embedded database, taken while the server is stopped. */
async function main() {
  const location = env().DATABASE_URL;
  if (location.kind === "postgres") {
    console.error(
      "  DATABASE_URL points at a PostgreSQL server, which this command does not back up. Use PostgreSQL's own tool:\n" +
        '    pg_dump --format=custom "$DATABASE_URL" > backup-monitor.dump\n' +
        '  and to restore: pg_restore --clean --dbname "$DATABASE_URL" backup-monitor.dump',
    );
    return 1;
  }
  const file = path.resolve(process.argv[2] ?? defaultBackupFile());
  const started = performance.now();
  try {
    const result = await backupDatabase(location.dataDir, file);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`  Backed up the embedded database at ${location.dataDir}`);
    const shown = path.relative(process.cwd(), result.file);
    console.log(`  to ${shown.startsWith("..") ? result.file : shown} (${formatSize(result.bytes)}, ${seconds} s).`);
    return 0;
  } catch (error) {
    if (error instanceof DatabaseInUseError) {
      console.error(
        `  The server (PID ${error.pid}) is using the embedded database at ${error.dataDir}.\n` +
          "  Stop it first: a backup needs the database to itself, so that nothing changes during the copy.",
      );
    } else {
      console.error(`  Backup failed: ${(error as Error).message}`);
    }
    return 1;
  }
}

// main reports every failure itself and returns the exit code. The exit is explicit: a PGlite that failed
// to start can leave timers that would keep the process alive.
void main().then((code) => process.exit(code));
