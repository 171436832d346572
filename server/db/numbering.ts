import type { Db, Tx } from "../db";
import { isUniqueViolation } from "../errors";
import { transaction } from "./transaction";

/**
 * Records numbered <letter>-<year>-<nnnn> in the order they are created within a year: consignments (C),
 * inventory audits (I), destructions (D). Each table has `number`, `year` and `sequence` unique on
 * (year, sequence).
 */
const NUMBERED = {
  backup_consignment: "C",
  backup_inventory_audit: "I",
  backup_destruction: "D",
} as const;
export type NumberedTable = keyof typeof NUMBERED;

export type DocumentNumber = { number: string; year: number; sequence: number };

/** The next number of `table` this year, to store with the row the same transaction creates. */
export async function nextNumber(tx: Tx, table: NumberedTable, now = new Date()): Promise<DocumentNumber> {
  const year = now.getUTCFullYear();
  const [row] = await tx.$queryRawUnsafe<{ next: number }[]>(
    `SELECT coalesce(max(sequence), 0)::int + 1 AS next FROM ${table} WHERE year = $1`,
    year,
  );
  const sequence = row!.next;
  return { number: `${NUMBERED[table]}-${year}-${String(sequence).padStart(4, "0")}`, year, sequence };
}

/**
 * Runs `create` (which takes a `nextNumber`) in a transaction, again when another creation took the same
 * number first: two created at once, the second takes the next number.
 */
export async function createNumbered<T>(db: Db, create: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction(db, create);
    } catch (error) {
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}
