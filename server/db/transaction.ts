import { sealAuditEntries } from "../audit/chain";
import { openAuditEntries } from "../audit/service";
import type { Db, Tx } from "../db";

type TransactionOptions = Parameters<Db["$transaction"]>[1];

/**
 * Every change goes through here: the work, then the audit entries it recorded written and sealed into
 * the audit hash chain, all in one transaction. Sealing comes last so the chain head is held only for the
 * commit and never while the work waits for other locks.
 */
export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
  return db.$transaction(async (tx) => {
    const entries = openAuditEntries(tx);
    const result = await work(tx);
    await sealAuditEntries(tx, entries);
    return result;
  }, options);
}

/**
 * A read of several statements that must agree with each other: Prisma loads each relation of an
 * `include` in a statement of its own, and a row deleted between two of them would leave a link to
 * nothing. One REPEATABLE READ transaction gives all of them the same snapshot.
 */
export function consistentRead<T>(db: Db, read: (tx: Tx) => Promise<T>): Promise<T> {
  return db.$transaction(read, { isolationLevel: "RepeatableRead" });
}
