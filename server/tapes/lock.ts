import type { Tx } from "../db";
import { notFound } from "../errors";

/**
 * Locks the cartridge row for the rest of the transaction, so concurrent events for one cartridge apply
 * one after another (and see each other's "current" location) instead of racing.
 */
export async function lockTape(tx: Tx, tapeId: string) {
  const rows = await tx.$queryRaw<{ barcode: string; status: string }[]>`
    SELECT barcode, status::text FROM backup_tape_cartridge WHERE id = ${tapeId} FOR UPDATE`;
  const tape = rows[0];
  if (!tape) throw notFound("The cartridge");
  return tape;
}
