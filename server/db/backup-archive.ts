import fs from "node:fs";
import { gunzipSync } from "node:zlib";

/** A backup file that cannot be restored: missing, damaged, or not a backup of this app's database. */
export class BackupFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupFileError";
  }
}

const BLOCK = 512;
const GZIP_MAGIC = [0x1f, 0x8b];
// Files every PostgreSQL data directory has; without them the archive is something else.
const REQUIRED_ENTRIES = ["PG_VERSION", "global/pg_control"];

export type BackupArchive = {
  /** The uncompressed tar, as PGlite's `loadDataDir` takes it. */
  tar: Uint8Array;
  /** Entry paths relative to the data directory, without a leading slash. */
  entries: string[];
};

function readString(block: Uint8Array, offset: number, length: number) {
  const field = block.subarray(offset, offset + length);
  const end = field.indexOf(0);
  return Buffer.from(end === -1 ? field : field.subarray(0, end)).toString("utf8");
}

function readOctal(block: Uint8Array, offset: number, length: number) {
  const text = readString(block, offset, length).trim();
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : Number.NaN;
}

/** The checksum counts the checksum field itself as eight spaces. */
function checksumMatches(block: Uint8Array) {
  const stored = readOctal(block, 148, 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === stored;
}

/**
 * Walks the tar headers without extracting anything, so a damaged archive is refused before the current
 * database is touched. Sizes and checksums are checked for every entry and the archive must end with
 * its end-of-archive block: a truncated copy fails here rather than halfway through a restore.
 */
function listTarEntries(tar: Uint8Array, describe: string): string[] {
  const damaged = (why: string) => new BackupFileError(`${describe} is damaged (${why}); nothing was changed.`);
  const entries: string[] = [];
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) return entries;
    if (!checksumMatches(header)) throw damaged(`bad header at byte ${offset}`);
    const size = readOctal(header, 124, 12);
    if (!Number.isFinite(size)) throw damaged(`bad size at byte ${offset}`);
    const prefix = readString(header, 345, 155);
    const name = (prefix ? `${prefix}/` : "") + readString(header, 0, 100);
    const relative = name.replace(/^(\.?\/)+/, "").replace(/\/$/, "");
    if (relative.split("/").includes("..")) throw damaged(`entry ${name} points outside the data directory`);
    if (relative) entries.push(relative);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw damaged(offset > tar.length ? "an entry is cut short" : "it ends early");
}

/** Checks that `bytes` is a backup of a PostgreSQL data directory, as `dumpDataDir` writes it. */
export function parseBackupArchive(bytes: Uint8Array, describe: string): BackupArchive {
  let tar = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      tar = gunzipSync(bytes);
    } catch (error) {
      throw new BackupFileError(`${describe} is damaged (${(error as Error).message}); nothing was changed.`);
    }
  }
  if (tar.length < BLOCK || !checksumMatches(tar.subarray(0, BLOCK))) {
    throw new BackupFileError(
      `${describe} is not a Backup Monitor backup (not a tar or tar.gz archive); nothing was changed.`,
    );
  }
  const entries = listTarEntries(tar, describe);
  const missing = REQUIRED_ENTRIES.filter((entry) => !entries.includes(entry));
  if (missing.length > 0 || !entries.some((entry) => entry.startsWith("base/"))) {
    throw new BackupFileError(
      `${describe} is not a Backup Monitor backup (no database directory inside); nothing was changed.`,
    );
  }
  return { tar, entries };
}

export function readBackupArchive(file: string): BackupArchive {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new BackupFileError(`There is no backup file at ${file}.`);
    if (code === "EISDIR") throw new BackupFileError(`${file} is a directory, not a backup file.`);
    throw new BackupFileError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  return parseBackupArchive(bytes, file);
}
