import fs from "node:fs";
import path from "node:path";
import { parseBackupArchive } from "../server/db/backup-archive";
import {
  backupDatabase,
  backupToken,
  backupTokenFile,
  defaultBackupFile,
  formatSize,
  writeFileDurably,
} from "../server/db/backup";
import { DatabaseInUseError } from "../server/db/pglite-lock";
import { env } from "../server/env";

/**
 * `npm run db:backup [file]`: a consistent copy of the embedded database, taken directly while the server
 * is stopped, or by the running server when it holds the database.
 */
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
    console.log(`  to ${shown(result.file)} (${formatSize(result.bytes)}, ${seconds} s).`);
    return 0;
  } catch (error) {
    if (error instanceof DatabaseInUseError) return backupFromServer(location.dataDir, file, error.pid);
    console.error(`  Backup failed: ${(error as Error).message}`);
    return 1;
  }
}

/**
 * The server holds the database: ask it for a backup, taken while it runs. It accepts the token kept beside
 * the data directory (created here on first use, readable by this user alone), so only someone who could
 * read the data directory anyway gets one this way; administrators download theirs from Manage → Backup.
 */
async function backupFromServer(dataDir: string, file: string, pid: number) {
  const config = env();
  const host = ["0.0.0.0", "::"].includes(config.HOSTNAME) ? "127.0.0.1" : config.HOSTNAME;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${config.PORT}/backup/database`;
  console.log(`  The server (PID ${pid}) is running: asking it for a backup at ${url}…`);
  if (fs.existsSync(file)) throw new Error(`${file} already exists; choose another file name.`);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${backupToken(dataDir)}` } });
  } catch (error) {
    console.error(
      `  The server did not answer (${(error as Error).message}). Check PORT and HOSTNAME are the server's,\n` +
        "  or download a backup from Manage → Backup in the app.",
    );
    return 1;
  }
  if (!response.ok) {
    const message = ((await response.json().catch(() => ({}))) as { error?: string }).error ?? response.statusText;
    console.error(
      response.status === 401
        ? `  The server refused the token in ${backupTokenFile(dataDir)}: it runs with another data directory, or\n` +
            "  was started before this version. Download a backup from Manage → Backup instead."
        : `  The server could not take a backup (${response.status}): ${message}`,
    );
    return 1;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  parseBackupArchive(bytes, "The backup the server sent");
  writeFileDurably(file, bytes);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`  Backed up the running embedded database at ${dataDir}`);
  console.log(`  to ${shown(file)} (${formatSize(bytes.length)}, ${seconds} s).`);
  return 0;
}

function shown(file: string) {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") ? file : relative;
}

// An explicit exit: a PGlite that failed to start can leave timers that would keep the process alive.
main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`  Backup failed: ${error.message}`);
    process.exit(1);
  },
);
