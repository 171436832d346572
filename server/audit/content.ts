import type { PendingAuditEntry } from "./service";

/**
 * An audit entry's canonical content, the text its chain hash covers, rendered here exactly as the
 * database renders it (`backup_audit_content`, migration audit_chain): a `jsonb` array as PostgreSQL
 * prints one. Entries are hashed before they are written, so the app renders the content itself; the
 * chain check renders it again from the stored row in SQL, and any difference shows as a changed entry.
 */

/** A value as JSON.parse returns it: what a `jsonb` column holds after the app's JSON went in. */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const utf8 = (text: string) => Buffer.from(text, "utf8");

/** `jsonb` keeps an object's keys shortest first (in UTF-8 bytes), then in byte order. */
function jsonbKeyOrder(a: string, b: string): number {
  const [left, right] = [utf8(a), utf8(b)];
  return left.length - right.length || Buffer.compare(left, right);
}

/**
 * A number as `numeric` prints it: never in exponent form. JavaScript writes 1e21 and 1.5e-7 where
 * PostgreSQL writes 1000000000000000000000 and 0.00000015.
 */
function numericText(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, first, rest = "", exponentText] = match;
  const digits = first + rest;
  const point = 1 + Number(exponentText);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/**
 * A JSON value as `jsonb` prints it: ", " between items, ": " after keys, keys in jsonb's order, strings
 * escaped as JSON.stringify escapes them (PostgreSQL's escape_json does the same for every string it can
 * store).
 */
function jsonbText(value: Json): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return numericText(value);
  if (Array.isArray(value)) return `[${value.map(jsonbText).join(", ")}]`;
  const keys = Object.keys(value).sort(jsonbKeyOrder);
  return `{${keys.map((key) => `${JSON.stringify(key)}: ${jsonbText(value[key]!)}`).join(", ")}}`;
}

/** The fields of an entry the content covers, with its id and its place in the chain. */
export type ContentFields = Pick<
  PendingAuditEntry,
  "entityType" | "entityId" | "action" | "changes" | "actor" | "at"
> & {
  seq: bigint;
  id: bigint;
};

/** `created_at` as `to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US')` prints the timestamp(3) it is stored as. */
function createdAtText(at: Date): string {
  const iso = at.toISOString();
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso))
    throw new RangeError(`An audit entry's time must be within the years 0000–9999, not ${iso}`);
  return `${iso.slice(0, 23)}000`;
}

export function auditContent(entry: ContentFields): string {
  return jsonbText([
    entry.seq.toString(),
    entry.id.toString(),
    entry.entityType,
    entry.entityId,
    entry.action,
    // The changes as the database gets them: through JSON, which drops what JSON cannot hold.
    JSON.parse(JSON.stringify(entry.changes)) as Json,
    entry.actor.id,
    entry.actor.name,
    createdAtText(entry.at),
  ]);
}
