import { sealAuditEntries } from "../audit/chain";
import type { Db, Tx } from "../db";

type TransactionOptions = Parameters<Db["$transaction"]>[1];

/**
 * Every change goes through here: the work, then the audit entries it wrote sealed into the audit hash
 * chain, all in one transaction. Sealing comes last so the chain head is held only for the commit and
 * never while the work waits for other locks.
 */
export function transaction<T>(db: Db, work: (tx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
  return db.$transaction(async (tx) => {
    const result = await work(tx);
    await sealAuditEntries(tx);
    return result;
  }, options);
}
