import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { formatMoment, UTC } from "../../lib/dates";
import type { Db, Tx } from "../db";
import { DomainError } from "../errors";
import { sharedValues } from "../db/shared-values";
import { auditContent } from "./content";
import { auditKey, type AuditKey } from "./key";
import type { PendingAuditEntry } from "./service";

/**
 * The audit log's keyed hash chain. Each entry carries the hash of the entry before it and its own hash,
 * an HMAC with the audit key (./key) over that and its canonical content (`backup_audit_content`, defined
 * in the audit_chain migration). An entry changed, deleted or inserted behind the app's back breaks the
 * chain at that entry, and without the key nobody can recompute the hashes after it. Entries are written
 * sealed at the end of the transaction that recorded them (see ../db/transaction): the database numbers them
 * under the chain head's row lock and renders their content, the app hashes it, and each entry is inserted
 * once with its hashes, all in that transaction.
 *
 * What the chain cannot prove on its own is where it ends: deleting the newest entries and setting the
 * head back leaves a shorter, consistent chain. A checkpoint (a signed copy of the head, kept outside the
 * database) proves the chain reached at least that far, and that nothing up to it was rewritten.
 */

/** A chain sealed before keys, verified with plain SHA-256 until it is re-sealed with the key. */
const UNKEYED = null;
type Sealer = AuditKey | typeof UNKEYED;

export function chainHash(sealer: Sealer, prevHash: string, content: string): string {
  const data = `${prevHash}\n${content}`;
  return sealer
    ? createHmac("sha256", sealer.secret).update(data, "utf8").digest("hex")
    : createHash("sha256").update(data, "utf8").digest("hex");
}

/** `key_id` of a chain found broken when it was to be keyed: it stays unkeyed, so the break stays visible. */
const UNKEYED_BROKEN = "";

export class AuditKeyMismatchError extends Error {
  constructor(chainKeyId: string, key: AuditKey) {
    super(
      `The audit log is sealed with another audit key (id ${chainKeyId}) than this server's (id ${key.id}, ` +
        `from ${key.source}). Restore the key the log was sealed with (AUDIT_KEY or the audit.key file).`,
    );
    this.name = "AuditKeyMismatchError";
  }
}

type Reserved = { head_seq: bigint; head_hash: string; head_key_id: string | null; ids: bigint[] };

/**
 * Takes the chain head's row lock (held until commit) and reserves an id for each entry; returns the head
 * the entries follow (`backup_audit_reserve`, migration audit_sealed_on_insert).
 */
async function reserve(tx: Tx, entries: PendingAuditEntry[]) {
  const [head] = await tx.$queryRaw<Reserved[]>`SELECT * FROM backup_audit_reserve(${entries.length}::int)`;
  return { seq: BigInt(head!.head_seq), hash: head!.head_hash, keyId: head!.head_key_id, ids: head!.ids.map(BigInt) };
}

type Head = Awaited<ReturnType<typeof reserve>>;

/**
 * Hashes the entries in chain order after `prevHash` and inserts each once, with its hashes, moving the
 * head to the last of them (`backup_audit_insert`).
 */
async function insertSealed(
  tx: Tx,
  entries: PendingAuditEntry[],
  head: Head,
  sealer: Sealer,
  prevHash: string,
  keyId: string | null,
) {
  // Each actor and time once, referred to by index (as writeCustody sends signatures): a transaction's
  // entries mostly share both.
  const actorKeys = entries.map(({ actor }) => JSON.stringify([actor.id, actor.name]));
  const timeKeys = entries.map(({ at }) => at.toISOString());
  const actors = sharedValues(actorKeys);
  const times = sharedValues(timeKeys);
  let prev = prevHash;
  const rows = entries.map((entry, index) => {
    const id = head.ids[index]!;
    const hash = chainHash(sealer, prev, auditContent({ ...entry, seq: head.seq + BigInt(index + 1), id }));
    prev = hash;
    const { entityType, entityId, action, changes } = entry;
    return [
      id.toString(),
      hash,
      entityType,
      entityId,
      action,
      changes,
      actors.indexOf(actorKeys[index]!),
      times.indexOf(timeKeys[index]!),
    ];
  });
  // One JSON parameter rather than nine per entry (binding thousands of parameters costs more than the
  // insert), with what the database can work out left out: each entry's place and the hash it follows.
  await tx.$executeRaw`SELECT backup_audit_insert(${JSON.stringify(rows)}::jsonb, ${`[${actors.values.join(",")}]`}::jsonb,
    ${JSON.stringify(times.values)}::jsonb, ${(head.seq + 1n).toString()}::bigint, ${prevHash}, ${keyId})`;
}

type Link = { id: string; prev_hash: string; hash: string };

/** Stores new hashes for entries already in the log, in chain order, and moves the head to the last of them. */
async function storeLinks(tx: Tx, links: Link[], head: { seq: bigint; hash: string; keyId: string | null }) {
  await tx.$executeRaw`
    WITH linked AS (
      UPDATE backup_audit_log l SET prev_hash = v.prev_hash, hash = v.hash
      FROM jsonb_to_recordset(${JSON.stringify(links)}::jsonb) AS v(id bigint, prev_hash text, hash text)
      WHERE l.id = v.id
      RETURNING l.id
    )
    UPDATE backup_audit_chain SET last_seq = ${head.seq.toString()}::bigint, last_hash = ${head.hash}, key_id = ${head.keyId}
    WHERE id = 1`;
}

/**
 * Writes a transaction's audit entries and seals them into the chain. Call it last: it holds the chain head
 * until commit.
 */
export async function sealAuditEntries(
  tx: Tx,
  entries: PendingAuditEntry[],
  key: AuditKey = auditKey(),
): Promise<void> {
  if (entries.length === 0) return;
  const head = await reserve(tx, entries);
  if (head.keyId === key.id) return insertSealed(tx, entries, head, key, head.hash, key.id);
  if (head.keyId === UNKEYED_BROKEN) return insertSealed(tx, entries, head, UNKEYED, head.hash, UNKEYED_BROKEN);
  if (head.keyId !== null) throw new AuditKeyMismatchError(head.keyId, key);

  // The first write since the chain was keyed: re-seal what was sealed before, once, and say so in the log.
  const keyed = await resealWithKey(tx, key, head);
  if (!keyed) return insertSealed(tx, entries, head, UNKEYED, head.hash, UNKEYED_BROKEN);
  await insertSealed(tx, entries, head, key, keyed.hash, key.id);
  if (keyed.entries === 0) return;
  await sealAuditEntries(
    tx,
    [
      {
        entityType: "audit_chain",
        entityId: "1",
        action: "keyed",
        changes: {
          entries: { from: null, to: keyed.entries },
          unkeyedHead: { from: null, to: { seq: keyed.entries, hash: keyed.unkeyedHash } },
          keyId: { from: null, to: key.id },
        },
        actor: { id: null, name: "Backup Monitor" },
        at: new Date(),
      },
    ],
    key,
  );
}

type Resealed = { entries: number; hash: string; unkeyedHash: string };

/**
 * Checks the unkeyed chain up to its `head` and, if it is intact, replaces every hash in it by the keyed
 * one. A broken chain is left as it is (null): re-sealing it would hide the break.
 */
async function resealWithKey(tx: Tx, key: AuditKey, head: { seq: bigint; hash: string }): Promise<Resealed | null> {
  const links: Link[] = [];
  let prev = "";
  const walk = await walkChain(tx, UNKEYED, { upTo: head.seq }, (row) => {
    const hash = chainHash(key, prev, row.content);
    links.push({ id: row.id, prev_hash: prev, hash });
    prev = hash;
  });
  if (walk.problem || walk.lastSeq !== head.seq || walk.lastHash !== head.hash) {
    console.error(
      `The audit log could not be keyed: ${walk.problem?.message ?? "its head does not match its entries"} ` +
        "It stays sealed without the key; check it on Manage → Audit log.",
    );
    return null;
  }
  for (let start = 0; start < links.length; start += 1_000) {
    const batch = links.slice(start, start + 1_000);
    const last = start + batch.length;
    await storeLinks(tx, batch, { seq: BigInt(last), hash: batch.at(-1)!.hash, keyId: key.id });
  }
  if (links.length === 0) await storeLinks(tx, [], { seq: 0n, hash: "", keyId: key.id });
  return { entries: links.length, hash: prev, unkeyedHash: walk.lastHash };
}

// ------------------------------------------------------------------------------------------ checking

export type ChainHead = { seq: string; hash: string };

export type ChainProblem = {
  kind: "changed" | "deleted" | "inserted" | "truncated" | "key";
  /** Chain position of the first entry affected, when it has one. */
  seq: string | null;
  /** Row id of the first entry affected, when it still exists. */
  entryId: string | null;
  message: string;
};

export type ChainReport =
  | {
      intact: true;
      entries: number;
      head: ChainHead;
      /** False while the chain is still sealed without the key (until the first change after the upgrade). */
      keyed: boolean;
      /** The checkpoint the chain was also checked against. */
      checkpoint: { seq: string; createdAt: string } | null;
    }
  | { intact: false; entries: number; problem: ChainProblem };

type ChainRow = { seq: string; id: string; prev_hash: string | null; hash: string | null; content: string };

type Walk = { entries: number; lastSeq: bigint; lastHash: string; problem: ChainProblem | null };

const PAGE = 5_000;

/** Walks the chain in order, recomputing every hash here rather than in the database, up to the first break. */
async function walkChain(
  db: Pick<Db, "$queryRaw">,
  sealer: Sealer,
  { upTo }: { upTo?: bigint },
  visit: (row: ChainRow) => ChainProblem | void,
): Promise<Walk> {
  let expectedSeq = 1n;
  let prevHash = "";
  let entries = 0;
  const end = upTo ?? BigInt("9223372036854775807");
  const stop = (problem: ChainProblem): Walk => ({ entries, lastSeq: expectedSeq - 1n, lastHash: prevHash, problem });

  for (;;) {
    const rows = await db.$queryRaw<ChainRow[]>`
      SELECT l.chain_seq::text AS seq, l.id::text AS id, l.prev_hash, l.hash, backup_audit_content(l) AS content
      FROM backup_audit_log l
      WHERE l.chain_seq >= ${expectedSeq} AND l.chain_seq <= ${end}
      ORDER BY l.chain_seq
      LIMIT ${PAGE}`;
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (seq !== expectedSeq) {
        const missing = seq - expectedSeq === 1n ? `#${expectedSeq} is` : `#${expectedSeq}–#${seq - 1n} are`;
        return stop({
          kind: "deleted",
          seq: expectedSeq.toString(),
          entryId: null,
          message: `Audit entry ${missing} missing: deleted from the log.`,
        });
      }
      if (row.prev_hash !== prevHash) {
        return stop({
          kind: "inserted",
          seq: row.seq,
          entryId: row.id,
          message: `Audit entry #${row.seq} (id ${row.id}) does not follow the entry before it: an entry was inserted or replaced here.`,
        });
      }
      if (row.hash !== chainHash(sealer, prevHash, row.content)) {
        return stop({
          kind: "changed",
          seq: row.seq,
          entryId: row.id,
          message: `Audit entry #${row.seq} (id ${row.id}) was changed after it was written.`,
        });
      }
      const problem = visit(row);
      if (problem) return stop(problem);
      prevHash = row.hash;
      expectedSeq = seq + 1n;
      entries += 1;
    }
    if (rows.length < PAGE) break;
  }
  return { entries, lastSeq: expectedSeq - 1n, lastHash: prevHash, problem: null };
}

type HeadRow = { last_seq: string; last_hash: string; key_id: string | null };

/**
 * Checks the whole chain with the audit key and reports the first entry that was changed, deleted or
 * inserted. With a checkpoint it also proves the chain still reaches the checkpoint's head unchanged,
 * which catches the newest entries deleted together with the head.
 */
export async function verifyAuditChain(
  db: Db,
  { key = auditKey(), checkpoint }: { key?: AuditKey; checkpoint?: AuditCheckpoint } = {},
): Promise<ChainReport> {
  if (checkpoint) checkSignature(checkpoint, key);
  const [head] = await db.$queryRaw<HeadRow[]>`
    SELECT last_seq::text, last_hash, key_id FROM backup_audit_chain WHERE id = 1`;
  const keyId = head?.key_id ?? null;
  const keyed = keyId !== null && keyId !== UNKEYED_BROKEN;
  if (keyed && keyId !== key.id) {
    return {
      intact: false,
      entries: 0,
      problem: { kind: "key", seq: null, entryId: null, message: new AuditKeyMismatchError(keyId, key).message },
    };
  }
  const checkpointDate = checkpoint && `${formatMoment(checkpoint.createdAt, UTC)} UTC`;

  const walk = await walkChain(db, keyed ? key : UNKEYED, {}, (row) => {
    if (checkpoint && row.seq === checkpoint.seq && row.hash !== checkpoint.hash) {
      return {
        kind: "changed",
        seq: row.seq,
        entryId: row.id,
        message: `Audit entry #${row.seq} is not the one the checkpoint of ${checkpointDate} recorded: the log was rewritten up to here.`,
      };
    }
  });
  const { entries } = walk;
  const broken = (problem: ChainProblem): ChainReport => ({ intact: false, entries, problem });
  if (walk.problem) return broken(walk.problem);

  const lastSeq = walk.lastSeq.toString();
  if (checkpoint && walk.lastSeq < BigInt(checkpoint.seq)) {
    return broken({
      kind: "truncated",
      seq: (walk.lastSeq + 1n).toString(),
      entryId: null,
      message:
        walk.lastSeq === 0n
          ? `The log is empty, but the checkpoint of ${checkpointDate} records ${checkpoint.seq} entries: they were deleted.`
          : `The log ends at #${lastSeq}, but the checkpoint of ${checkpointDate} records entries up to #${checkpoint.seq}: the newest entries were deleted.`,
    });
  }
  if (head && (head.last_seq !== lastSeq || head.last_hash !== walk.lastHash)) {
    const kind = BigInt(head.last_seq) > walk.lastSeq ? "deleted" : "inserted";
    return broken({
      kind,
      seq: kind === "deleted" ? (walk.lastSeq + 1n).toString() : lastSeq,
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
  return {
    intact: true,
    entries,
    head: { seq: lastSeq, hash: walk.lastHash },
    keyed,
    checkpoint: checkpoint ? { seq: checkpoint.seq, createdAt: checkpoint.createdAt } : null,
  };
}

// ------------------------------------------------------------------------------------------ checkpoints

const CHECKPOINT_FORMAT = "backup-monitor-audit-checkpoint/1";

/** A signed copy of the chain head, to keep outside the database (a ticket, a mail, another machine). */
export const auditCheckpointSchema = z.object(
  {
    format: z.literal(CHECKPOINT_FORMAT, { message: "This is not a Backup Monitor audit checkpoint" }),
    seq: z.string().regex(/^[1-9][0-9]{0,17}$/, "The checkpoint's entry number is not valid"),
    hash: z.string().regex(/^[0-9a-f]{64}$/, "The checkpoint's hash is not valid"),
    keyId: z.string().regex(/^[0-9a-f]{16}$/, "The checkpoint's key id is not valid"),
    createdAt: z.iso.datetime({ message: "The checkpoint's date is not valid" }),
    signature: z.string().regex(/^[0-9a-f]{64}$/, "The checkpoint's signature is not valid"),
  },
  { message: "This is not a Backup Monitor audit checkpoint" },
);
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>;

function signatureOf(checkpoint: Omit<AuditCheckpoint, "signature">, key: AuditKey): string {
  const fields = [checkpoint.format, checkpoint.seq, checkpoint.hash, checkpoint.keyId, checkpoint.createdAt];
  return createHmac("sha256", key.secret)
    .update(`audit checkpoint\n${JSON.stringify(fields)}`)
    .digest("hex");
}

function checkSignature(checkpoint: AuditCheckpoint, key: AuditKey) {
  if (checkpoint.keyId !== key.id) {
    throw new DomainError(
      "BAD_REQUEST",
      `This checkpoint was signed with another audit key (id ${checkpoint.keyId}) than this server's (id ${key.id}).`,
    );
  }
  const expected = Buffer.from(signatureOf(checkpoint, key), "hex");
  if (!timingSafeEqual(expected, Buffer.from(checkpoint.signature, "hex"))) {
    throw new DomainError("BAD_REQUEST", "This checkpoint's signature does not match: it was altered or forged.");
  }
}

/** Signs the head of an intact, keyed chain. A chain that is empty, broken or not yet keyed has no checkpoint. */
export async function createAuditCheckpoint(db: Db, key: AuditKey = auditKey()): Promise<AuditCheckpoint> {
  const report = await verifyAuditChain(db, { key });
  if (!report.intact) {
    throw new DomainError(
      "CONFLICT",
      `The audit log is not intact, so it has no checkpoint: ${report.problem.message}`,
    );
  }
  if (report.entries === 0) {
    throw new DomainError("CONFLICT", "The audit log is empty: there is nothing to checkpoint.");
  }
  if (!report.keyed) {
    throw new DomainError("CONFLICT", "The audit log is not sealed with the audit key yet: the next change seals it.");
  }
  const unsigned = {
    format: CHECKPOINT_FORMAT,
    seq: report.head.seq,
    hash: report.head.hash,
    keyId: key.id,
    createdAt: new Date().toISOString(),
  } as const;
  return { ...unsigned, signature: signatureOf(unsigned, key) };
}
