import { createHash } from "node:crypto";
import type { Db, Tx } from "../db";

/**
 * The audit log's hash chain. Each entry carries the hash of the entry before it and its own hash over
 * that and its canonical content (`backup_audit_content`, defined in the audit_chain migration), so an
 * entry changed, deleted or inserted behind the app's back breaks the chain at that entry. Entries are
 * sealed by `backup_audit_seal()` at the end of the transaction that wrote them (see ../db/transaction).
 *
 * What it cannot prove on its own: someone with write access to the database who rewrites every hash
 * from the tampered entry on, and the chain head, leaves a consistent chain. Comparing the head reported
 * here with a copy kept elsewhere (a ticket, a log shipper) catches that too.
 */

/** Seals the entries this transaction wrote into the chain. Call it last: it holds the chain head until commit. */
export async function sealAuditEntries(tx: Tx): Promise<void> {
  await tx.$queryRaw`SELECT backup_audit_seal()`;
}

export function auditHash(prevHash: string, content: string): string {
  return createHash("sha256").update(`${prevHash}\n${content}`, "utf8").digest("hex");
}

export type ChainHead = { seq: string; hash: string };

export type ChainProblem = {
  kind: "changed" | "deleted" | "inserted";
  /** Chain position of the first entry affected, when it has one. */
  seq: string | null;
  /** Row id of the first entry affected, when it still exists. */
  entryId: string | null;
  message: string;
};

export type ChainReport =
  { intact: true; entries: number; head: ChainHead } | { intact: false; entries: number; problem: ChainProblem };

type ChainRow = { seq: string; id: string; prev_hash: string | null; hash: string | null; content: string };

const PAGE = 5_000;

/**
 * Walks the whole chain in order, recomputing every hash here rather than in the database, and reports
 * the first entry that was changed, deleted or inserted.
 */
export async function verifyAuditChain(db: Db): Promise<ChainReport> {
  let expectedSeq = 1n;
  let prevHash = "";
  let entries = 0;
  const broken = (problem: ChainProblem): ChainReport => ({ intact: false, entries, problem });

  for (;;) {
    const rows = await db.$queryRaw<ChainRow[]>`
      SELECT l.chain_seq::text AS seq, l.id::text AS id, l.prev_hash, l.hash, backup_audit_content(l) AS content
      FROM backup_audit_log l
      WHERE l.chain_seq >= ${expectedSeq}
      ORDER BY l.chain_seq
      LIMIT ${PAGE}`;
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq !== expectedSeq) {
        const missing = seq - expectedSeq === 1n ? `#${expectedSeq} is` : `#${expectedSeq}–#${seq - 1n} are`;
        return broken({
          kind: "deleted",
          seq: expectedSeq.toString(),
          entryId: null,
          message: `Audit entry ${missing} missing: deleted from the log.`,
        });
      }
      if (row.prev_hash !== prevHash) {
        return broken({
          kind: "inserted",
          seq: row.seq,
          entryId: row.id,
          message: `Audit entry #${row.seq} (id ${row.id}) does not follow the entry before it: an entry was inserted or replaced here.`,
        });
      }
      if (row.hash !== auditHash(prevHash, row.content)) {
        return broken({
          kind: "changed",
          seq: row.seq,
          entryId: row.id,
          message: `Audit entry #${row.seq} (id ${row.id}) was changed after it was written.`,
        });
      }
      prevHash = row.hash;
      expectedSeq = seq + 1n;
      entries += 1;
    }
    if (rows.length < PAGE) break;
  }

  const lastSeq = (expectedSeq - 1n).toString();
  const [head] = await db.$queryRaw<{ last_seq: string; last_hash: string }[]>`
    SELECT last_seq::text, last_hash FROM backup_audit_chain WHERE id = 1`;
  if (head && (head.last_seq !== lastSeq || head.last_hash !== prevHash)) {
    const kind = BigInt(head.last_seq) > BigInt(lastSeq) ? "deleted" : "inserted";
    return broken({
      kind,
      seq: kind === "deleted" ? (BigInt(lastSeq) + 1n).toString() : lastSeq,
      entryId: null,
      message:
        kind === "deleted"
          ? `The chain ends at #${lastSeq} but its head records #${head.last_seq}: the last entries were deleted.`
          : `The chain continues past its recorded head (#${head.last_seq}): entries were added behind the app's back.`,
    });
  }
  if (!head && entries > 0) {
    return broken({
      kind: "deleted",
      seq: lastSeq,
      entryId: null,
      message: "The chain head is missing: it was deleted behind the app's back.",
    });
  }

  // Entries the app wrote are sealed before their transaction commits: an unsealed one came from elsewhere.
  const [unsealed] = await db.$queryRaw<{ id: string }[]>`
    SELECT id::text AS id FROM backup_audit_log WHERE chain_seq IS NULL ORDER BY id LIMIT 1`;
  if (unsealed) {
    return broken({
      kind: "inserted",
      seq: null,
      entryId: unsealed.id,
      message: `Audit entry id ${unsealed.id} is not in the chain: it was inserted behind the app's back.`,
    });
  }
  return { intact: true, entries, head: { seq: lastSeq, hash: prevHash } };
}
