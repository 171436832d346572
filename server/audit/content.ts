import type { PendingAuditEntry } from "./service";

/**
 * An audit entry's canonical content, the text its chain hash covers, rendered here exactly as the
 * database renders it (`backup_audit_content`, migration audit_chain): a `jsonb` array as PostgreSQL
 * prints one. Entries are hashed before they are written, so the app renders the content itself; the
 * chain check renders it again from the stored row in SQL, and any difference shows as a changed entry.
 */

const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * `jsonb` keeps an object's keys shortest first (in UTF-8 bytes), then in byte order. For ASCII keys, the
 * usual case, bytes are characters and byte order is JavaScript's string order.
 */
function jsonbKeyOrder(a: string, b: string): number {
  if (NON_ASCII.test(a) || NON_ASCII.test(b)) {
    const [left, right] = [Buffer.from(a, "utf8"), Buffer.from(b, "utf8")];
    return left.length - right.length || Buffer.compare(left, right);
  }
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
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

/** Strings JSON.stringify would escape something in. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

const stringText = (text: string) => (NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`);

/**
 * A value as the database holds it once it went through JSON.stringify, printed as `jsonb` prints it: ", "
 * between items, ": " after keys, keys in jsonb's order, strings escaped as JSON.stringify escapes them
 * (PostgreSQL's escape_json does the same for every string it can store). Undefined for what JSON.stringify
 * leaves out of an object (and writes as null in an array): undefined, functions, symbols. Written as one
 * pass, without going through JSON.stringify and JSON.parse first: a sync batch renders hundreds of these.
 */
function jsonbText(raw: unknown): string | undefined {
  let value = raw;
  if (value !== null && typeof value === "object") {
    if (typeof (value as { toJSON?: unknown }).toJSON === "function") value = (value as { toJSON(): unknown }).toJSON();
    else if (value instanceof Number || value instanceof String || value instanceof Boolean) value = value.valueOf();
  }
  switch (typeof value) {
    case "string":
      return stringText(value);
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return Number.isFinite(value) ? numericText(value) : "null";
    case "bigint":
      throw new TypeError("An audit entry's changes cannot hold a BigInt");
    case "object":
      break;
    default:
      return undefined;
  }
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map((item) => jsonbText(item) ?? "null").join(", ")}]`;
  const object = value as Record<string, unknown>;
  let text = "";
  for (const key of Object.keys(object).sort(jsonbKeyOrder)) {
    const item = jsonbText(object[key]);
    if (item !== undefined) text += `${text ? ", " : ""}${stringText(key)}: ${item}`;
  }
  return `{${text}}`;
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
  // An array always prints.
  return jsonbText([
    entry.seq.toString(),
    entry.id.toString(),
    entry.entityType,
    entry.entityId,
    entry.action,
    entry.changes,
    entry.actor.id,
    entry.actor.name,
    createdAtText(entry.at),
  ])!;
}
