import { createHmac, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { DatabaseLocation } from "../db/location";
import { env } from "../env";

/**
 * The secret the audit chain is keyed with. It never goes into the database, so whoever can write to the
 * database cannot recompute the hashes of entries they change.
 */
export type AuditKey = {
  secret: Buffer;
  /** A fingerprint of the secret, stored with the chain head so a chain sealed with another key is named as such. */
  id: string;
  /** Where the key came from, for messages. */
  source: string;
};

export const AUDIT_KEY_FILE = "audit.key";

/**
 * Where the key file lives when AUDIT_KEY is not set: beside the embedded data directory (so a copy of
 * the data directory alone does not carry it), or in the app's ./data folder on PostgreSQL.
 */
export function auditKeyFile(location: DatabaseLocation): string {
  return location.kind === "pglite"
    ? path.join(path.dirname(location.dataDir), AUDIT_KEY_FILE)
    : path.resolve("data", AUDIT_KEY_FILE);
}

function keyFrom(secret: Buffer, source: string): AuditKey {
  const id = createHmac("sha256", secret).update("backup-monitor audit key id").digest("hex").slice(0, 16);
  return { secret, id, source };
}

/** Reads the key file, creating it (64 random hex digits, owner-only) the first time. */
function keyFromFile(file: string): AuditKey {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    fs.writeFileSync(file, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
    console.log(`  Created the audit key ${file}: keep a copy with your backups, apart from them.`);
  } catch (error) {
    // Another server process created it first; read theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const stat = fs.statSync(file);
  // A key others can read lets them forge the chain; one they created (in a shared folder) was chosen by them.
  if ((stat.mode & 0o077) !== 0 || (process.getuid && stat.uid !== process.getuid())) {
    throw new Error(
      `The audit key file ${file} must belong to this user and be readable by it alone: chmod 600 ${file}, ` +
        "or set AUDIT_KEY.",
    );
  }
  const text = fs.readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(text)) {
    throw new Error(`The audit key file ${file} is damaged (expected 64 hex digits). Restore it from a copy.`);
  }
  return keyFrom(Buffer.from(text, "hex"), file);
}

const cache = new Map<string, AuditKey>();

/** The key for the database at `location`: AUDIT_KEY when set, else the key file. */
export function auditKeyFor(location: DatabaseLocation, configured: string | undefined): AuditKey {
  if (configured) return keyFrom(Buffer.from(configured, "utf8"), "AUDIT_KEY");
  const file = auditKeyFile(location);
  let key = cache.get(file);
  if (!key) {
    key = keyFromFile(file);
    cache.set(file, key);
  }
  return key;
}

/** The key of the database this process serves. */
export function auditKey(): AuditKey {
  const config = env();
  return auditKeyFor(config.DATABASE_URL, config.AUDIT_KEY);
}
