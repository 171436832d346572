import { z } from "zod";
import { text as storableText } from "../lib/text";
import { DomainError } from "./errors";

/**
 * Keyset paging, the one way lists page: a cursor holds the sort key and id of the last row shown, so
 * every page is one index range scan, as fast on page 4,000 as on page 1, and the next page still follows
 * after the last row shown was deleted. A cursor names the order it was made for and is refused under
 * any other: reused under another sort it would skip or repeat rows without a word.
 */

export type Direction = "asc" | "desc";

// What a sort key can hold and how a cursor carries it in JSON. Each value is checked as the database
// will compare it, so an edited cursor is a bad request here rather than an error in the database.
const KEYS = {
  text: storableText(),
  date: z.iso
    .datetime()
    .transform((value) => new Date(value))
    .refine((date) => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999),
  // A bigint id: at most 18 digits always fits PostgreSQL's bigint.
  serial: z
    .string()
    .regex(/^[1-9][0-9]{0,17}$/)
    .transform(BigInt),
};
export type KeyKind = keyof typeof KEYS;
export type KeyValue<K extends KeyKind> = z.output<(typeof KEYS)[K]>;

/** Where a page ended. A key unique on its own (an id) needs no id to break ties. */
export type Position<K extends KeyKind, Unique extends boolean> = Unique extends true
  ? { value: KeyValue<K> }
  : { value: KeyValue<K>; id: string };

export type Bound<V> = { gt: V } | { gte: V } | { lt: V } | { lte: V };

const invalid = () =>
  new DomainError("BAD_REQUEST", "The page cursor is not valid; start again from the first page", "cursor");
const otherSort = () =>
  new DomainError(
    "BAD_REQUEST",
    "The page cursor was made for another sort order of the list; start again from the first page",
    "cursor",
  );

/** A cursor's content, or undefined for text that is not a cursor at all. */
function parsed(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

const keyText = (value: string | Date | bigint) => (value instanceof Date ? value.toISOString() : String(value));

/**
 * The cursors of one order of one list. `sort` names it (list, sort key and direction, e.g.
 * "jobs:name:asc"); cursors carry the name, and a cursor with another is refused.
 */
export function cursorCodec<K extends KeyKind, Unique extends boolean = false>(sort: string, key: K, unique?: Unique) {
  const payload = unique
    ? z.tuple([z.literal(sort), KEYS[key]])
    : z.tuple([z.literal(sort), KEYS[key], storableText()]);
  return {
    /** Whether `cursor` was made for this order; for an endpoint whose pages change order midway. */
    owns(cursor: string): boolean {
      const raw = parsed(cursor);
      return Array.isArray(raw) && raw[0] === sort;
    },
    encode(position: Position<K, Unique>): string {
      const { value, id } = position as { value: KeyValue<K>; id?: string };
      const raw = unique ? [sort, keyText(value)] : [sort, keyText(value), id];
      return Buffer.from(JSON.stringify(raw)).toString("base64url");
    },
    decode(cursor: string): Position<K, Unique> {
      const raw = parsed(cursor);
      if (raw === undefined) throw invalid();
      if (Array.isArray(raw) && typeof raw[0] === "string" && raw[0] !== sort) throw otherSort();
      const result = payload.safeParse(raw);
      if (!result.success) throw invalid();
      const [, value, id] = result.data as [string, KeyValue<K>, string?];
      return (unique ? { value } : { value, id }) as Position<K, Unique>;
    },
  };
}

function bound<V>(direction: Direction, inclusive: boolean, value: V): Bound<V> {
  if (direction === "asc") return inclusive ? { gte: value } : { gt: value };
  return inclusive ? { lte: value } : { lt: value };
}

/** `{ [column]: value }` for each column of `C` alone, so Prisma's types check each column's value. */
type OnColumn<Keys extends Record<string, KeyKind>, C extends keyof Keys, T> = {
  [P in C]: { [Q in P]: T extends "bound" ? Bound<KeyValue<Keys[P]>> : T };
}[C];

// Sorted by its id, a list needs no tie-break.
type After<Keys extends Record<string, KeyKind>, C extends keyof Keys> = [C] extends ["id"]
  ? OnColumn<Keys, C, "bound">[]
  : (OnColumn<Keys, C, "bound"> | { OR: (OnColumn<Keys, C, "bound"> | { id: Bound<string> })[] })[];
type OrderBy<Keys extends Record<string, KeyKind>, C extends keyof Keys> = [C] extends ["id"]
  ? [{ id: Direction }]
  : [OnColumn<Keys, C, Direction>, { id: Direction }];

/**
 * The orders of a list read with Prisma: `keys` names each sort column and what it holds. An order is
 * by the column, then id so ties have a stable order, both in one direction; the query fetches `limit + 1`
 * rows, the extra one telling whether a next page exists without a second query.
 */
export function listOrders<const Keys extends Record<string, KeyKind>>(list: string, keys: Keys) {
  return function order<C extends keyof Keys & string>(column: C, direction: Direction) {
    const byId = column === "id";
    const codec = cursorCodec(`${list}:${column}:${direction}`, keys[column] as Keys[C], byId);
    const on = <T>(value: T) => ({ [column]: value }) as OnColumn<Keys, C, T extends Bound<unknown> ? "bound" : T>;
    return {
      orderBy: (byId ? [{ id: direction }] : [on(direction), { id: direction }]) as OrderBy<Keys, C>,
      /** Rows after the cursor, as clauses for an AND; none for the first page. */
      after(cursor: string | null | undefined): After<Keys, C> {
        if (!cursor) return [] as After<Keys, C>;
        const { value, id } = codec.decode(cursor) as { value: KeyValue<Keys[C]>; id?: string };
        if (id === undefined) return [on(bound(direction, false, value))] as After<Keys, C>;
        // The inclusive bound alone lets PostgreSQL start the (column, id) index scan at the cursor; the OR
        // then skips the rows of the same key up to the cursor's id.
        return [
          on(bound(direction, true, value)),
          { OR: [on(bound(direction, false, value)), { id: bound(direction, false, id) }] },
        ] as After<Keys, C>;
      },
      /** The page of a fetched `limit + 1` rows, and the cursor of the next one. */
      page<R extends { id: string | bigint } & { [P in C]: KeyValue<Keys[P]> }>(
        rows: R[],
        limit: number,
      ): { items: R[]; nextCursor: string | null } {
        const items = rows.slice(0, limit);
        const last = items.at(-1);
        const position = last && { value: last[column], id: String(last.id) };
        return {
          items,
          nextCursor: rows.length > limit && position ? codec.encode(position as Position<Keys[C], boolean>) : null,
        };
      },
    };
  };
}
