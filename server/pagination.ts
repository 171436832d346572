import { isStorableText } from "../lib/text";
import { DomainError } from "./errors";

/**
 * Keyset pagination: a cursor is the sort value and id of the last row shown, opaque to clients.
 * Pages then cost the same wherever they are in a table of any size, unlike OFFSET.
 */
export function encodeCursor(value: string | number | Date, id: string): string {
  const raw = value instanceof Date ? { d: value.toISOString(), id } : { v: value, id };
  return Buffer.from(JSON.stringify(raw)).toString("base64url");
}

const invalidCursor = () =>
  new DomainError("BAD_REQUEST", "The page link is no longer valid; start from the first page", "cursor");

export function decodeCursor(cursor: string): { value: string | number | Date; id: string } {
  try {
    const raw = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as {
      d?: string;
      v?: string | number;
      id: string;
    };
    // An edited cursor must fail here, as a bad request, rather than in the database as an internal error:
    // text it cannot store, or a time outside the years it holds.
    if (typeof raw.id !== "string" || !isStorableText(raw.id)) throw new Error("no id");
    if (raw.d !== undefined) {
      const date = new Date(raw.d);
      if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999)
        throw new Error("bad date");
      return { value: date, id: raw.id };
    }
    if (typeof raw.v === "string" && !isStorableText(raw.v)) throw new Error("bad value");
    if (typeof raw.v !== "string" && typeof raw.v !== "number") throw new Error("no value");
    return { value: raw.v, id: raw.id };
  } catch {
    throw invalidCursor();
  }
}

/**
 * Rows after the cursor in (field, id) order, as a Prisma where clause. `valueType` is the sort field's
 * type: a cursor from another sort, or an edited one, would otherwise reach the database as a value of
 * the wrong type and fail there as an internal error instead of a bad request.
 */
export function afterCursor(
  field: string,
  direction: "asc" | "desc",
  cursor: string | undefined,
  valueType: "string" | "number" | "date",
) {
  if (!cursor) return {};
  const { value, id } = decodeCursor(cursor);
  if ((value instanceof Date ? "date" : typeof value) !== valueType) throw invalidCursor();
  const op = direction === "asc" ? "gt" : "lt";
  // The inclusive bound lets PostgreSQL start the (field, id) index scan at the cursor; the OR alone is
  // applied as a filter over every row before it.
  return {
    AND: [
      { [field]: { [op === "gt" ? "gte" : "lte"]: value } },
      { OR: [{ [field]: { [op]: value } }, { [field]: value, id: { [op]: id } }] },
    ],
  };
}

/** Splits a fetched `limit + 1` rows into the page and the cursor of the next one. */
export function pageOf<T extends { id: string }>(
  rows: T[],
  limit: number,
  sortValue: (row: T) => string | number | Date,
) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(sortValue(last), last.id) : null };
}
