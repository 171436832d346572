import { beforeEach, describe, expect, test } from "vitest";
import {
  AuditKeyMismatchError,
  chainHash,
  createAuditCheckpoint,
  sealAuditEntries,
  verifyAuditChain,
  type ChainReport,
} from "../../server/audit/chain";
import { auditKey, auditKeyFor } from "../../server/audit/key";
import { nextBarcode } from "../factories/backup";
import { signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();
let caller: Caller;

/** A realistic history: registrations, edits, moves, a hand-off, a job over two cartridges, a deletion. */
async function writeHistory() {
  const first = await caller.tapes.register({ barcode: nextBarcode() });
  const second = await caller.tapes.register({ barcode: nextBarcode() });
  await caller.tapes.update({ id: first.id, data: { status: "in_use", tags: ["weekly"], notes: "Ünïcødé ✓ 🗄️" } });
  await caller.locations.log({ tapeId: first.id, kind: "in_transit", custodian: "Cora" });
  await caller.custody.record({ tapeId: first.id, fromParty: "Data centre", toParty: "Vault", signerName: "Vic" });
  const job = await caller.jobs.create({
    name: "Nightly",
    jobDate: new Date("2026-11-01"),
    retentionDays: 30,
    tapeIds: [first.id, second.id],
  });
  await caller.jobs.setSpan({ jobId: job.id, tapeIds: [second.id, first.id] });
  await caller.tapes.delete({ id: second.id });
}

/** A key other than the app's, as someone without the real one would use. */
const otherKey = auditKeyFor(
  { kind: "postgres", url: "postgres://elsewhere" },
  "not-the-real-key-0123456789abcdef-xyz",
);

/** Recomputes the hash of every entry from `seq` on, and the chain head, with `hash`: a forger's rewrite. */
async function rehashFrom(seq: bigint, hash: (prev: string, content: string) => string) {
  const rows = await app.db.$queryRaw<{ id: bigint; prev_hash: string; content: string }[]>`
    SELECT id, prev_hash, backup_audit_content(l) AS content FROM backup_audit_log l
    WHERE chain_seq >= ${seq} ORDER BY chain_seq`;
  let prev = rows[0]!.prev_hash;
  for (const row of rows) {
    const next = hash(prev, row.content);
    await app.db.$executeRaw`UPDATE backup_audit_log SET prev_hash = ${prev}, hash = ${next} WHERE id = ${row.id}`;
    prev = next;
  }
  await app.db.$executeRaw`UPDATE backup_audit_chain SET last_hash = ${prev}`;
}

/** Deletes the newest entries and sets the head back to the entry before them, as a careful forger would. */
async function truncateTo(seq: bigint) {
  await app.db.$executeRaw`DELETE FROM backup_audit_log WHERE chain_seq > ${seq}`;
  await app.db.$executeRaw`
    UPDATE backup_audit_chain SET last_seq = ${seq},
      last_hash = COALESCE((SELECT hash FROM backup_audit_log WHERE chain_seq = ${seq}), '')`;
}

async function entries() {
  return app.db.$queryRaw<
    { id: bigint; chain_seq: bigint }[]
  >`SELECT id, chain_seq FROM backup_audit_log ORDER BY chain_seq`;
}

function problem(report: ChainReport) {
  expect(report.intact).toBe(false);
  return report.intact ? null : report.problem;
}

beforeEach(async () => {
  await truncateAll(app.db);
  ({ caller } = await signedInUser(app, { role: "admin" }));
  await writeHistory();
});

describe("the audit hash chain", () => {
  test("every entry the app writes is sealed in order, and the chain verifies as intact", async () => {
    const rows = await entries();
    expect(rows.length).toBeGreaterThanOrEqual(8);
    expect(rows.map((row) => Number(row.chain_seq))).toEqual(rows.map((_, index) => index + 1));

    const report = await verifyAuditChain(app.db);
    expect(report).toMatchObject({ intact: true, entries: rows.length, head: { seq: String(rows.length) } });
    const [head] = await app.db.$queryRaw<{ last_hash: string }[]>`SELECT last_hash FROM backup_audit_chain`;
    expect(report.intact && report.head.hash).toBe(head!.last_hash);
  });

  test("the content the app hashes is the content the database renders, whatever JSON the changes hold", async () => {
    const awkward = {
      // Keys jsonb orders by byte length, then bytes: "é" is two bytes, "ab" two, "Z" one, "" none.
      é: 1,
      ab: 2,
      Z: 3,
      "": 4,
      日本: { nested: [1, [2, []], {}], "𝄞": "clef" },
      numbers: [0, -0, 1.5, -2.25, 0.1, 1e21, 1.5e-7, -3e-10, 123456789.125, 5e-324, Number.MAX_SAFE_INTEGER, 1e300],
      strings: ['"quoted"', "back\\slash", "tab\tline\nreturn\r", "\u0001\u001f\u007f", "\u2028\u2029", "🗄️ Ünïcødé"],
      flags: [true, false, null],
      date: new Date("2026-03-01T12:34:56.789Z"),
      dropped: undefined,
      nonFinite: [Number.NaN, Number.POSITIVE_INFINITY],
      custom: { toJSON: () => ({ shown: "as toJSON says" }) },
    };
    await app.db.$transaction((tx) =>
      sealAuditEntries(tx, [
        {
          entityType: "tape",
          entityId: 'id with "quotes" and \\',
          action: "update",
          changes: { field: { from: awkward, to: [awkward] } },
          actor: { id: null, name: "Ünïcødé \n Actor" },
          at: new Date("0999-01-02T03:04:05.006Z"),
        },
      ]),
    );
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true });
  });

  test("entries of one transaction by different people at different times keep each their own", async () => {
    const written = [
      { actor: { id: null, name: "Backup Monitor" }, at: new Date("2026-01-02T03:04:05.678Z") },
      { actor: { id: "someone", name: "Sam Someone" }, at: new Date("2026-01-02T03:04:06.000Z") },
      { actor: { id: null, name: "Backup Monitor" }, at: new Date("2026-01-02T03:04:05.678Z") },
    ];
    await app.db.$transaction((tx) =>
      sealAuditEntries(
        tx,
        written.map(({ actor, at }, index) => ({
          entityType: "tape" as const,
          entityId: `t${index}`,
          action: "update" as const,
          changes: { index: { from: null, to: index } },
          actor,
          at,
        })),
      ),
    );
    const stored = await app.db.backupAuditLog.findMany({
      where: { entityId: { in: ["t0", "t1", "t2"] } },
      orderBy: { chainSeq: "asc" },
    });
    expect(
      stored.map(({ actorId, actorName, createdAt }) => ({ actor: { id: actorId, name: actorName }, at: createdAt })),
    ).toEqual(written);
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true });
  });

  test("every hash is keyed: the same content hashes differently under another key, and not as plain SHA-256", async () => {
    const [first] = await app.db.$queryRaw<{ hash: string; content: string }[]>`
      SELECT hash, backup_audit_content(l) AS content FROM backup_audit_log l WHERE chain_seq = 1`;
    expect(first!.hash).toBe(chainHash(auditKey(), "", first!.content));
    expect(first!.hash).not.toBe(chainHash(null, "", first!.content));
    expect(first!.hash).not.toBe(chainHash(otherKey, "", first!.content));
  });

  test("an entry edited with SQL is reported as changed, at that entry", async () => {
    const target = (await entries())[3]!;
    await app.db
      .$executeRaw`UPDATE backup_audit_log SET changes = '{"status": {"from": "empty", "to": "full"}}' WHERE id = ${target.id}`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({
      kind: "changed",
      seq: String(target.chain_seq),
      entryId: String(target.id),
    });
  });

  test("changing only who did it, or when, is caught too", async () => {
    const [a, b] = (await entries()).slice(1, 3);
    await app.db.$executeRaw`UPDATE backup_audit_log SET actor_name = 'Someone Else' WHERE id = ${b!.id}`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({ kind: "changed", seq: String(b!.chain_seq) });
    await app.db
      .$executeRaw`UPDATE backup_audit_log SET created_at = created_at - interval '1 day' WHERE id = ${a!.id}`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({ kind: "changed", seq: String(a!.chain_seq) });
  });

  test("an entry deleted from the middle is reported as missing at its position", async () => {
    const target = (await entries())[4]!;
    await app.db.$executeRaw`DELETE FROM backup_audit_log WHERE id = ${target.id}`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({
      kind: "deleted",
      seq: String(target.chain_seq),
      entryId: null,
    });
  });

  test("the newest entries deleted are caught by the chain head", async () => {
    const rows = await entries();
    const last = rows.at(-1)!;
    await app.db.$executeRaw`DELETE FROM backup_audit_log WHERE chain_seq >= ${last.chain_seq - 1n}`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({
      kind: "deleted",
      seq: String(last.chain_seq - 1n),
    });
  });

  test("a row inserted with SQL is reported as inserted", async () => {
    await app.db.$executeRaw`
      INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_name)
      VALUES ('tape', 'forged', 'delete', '{}', 'Nobody')`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({ kind: "inserted", seq: null });
  });

  test("entries changed and every hash after them recomputed, head included, are caught without the key", async () => {
    const target = (await entries())[3]!;
    await app.db.$executeRaw`UPDATE backup_audit_log SET actor_name = 'Someone Else' WHERE id = ${target.id}`;
    // What someone with write access to the database can do: rehash from there on, with any key but the real one.
    for (const forger of [null, otherKey]) {
      await rehashFrom(target.chain_seq, (prev, content) => chainHash(forger, prev, content));
      expect(problem(await verifyAuditChain(app.db))).toMatchObject({
        kind: "changed",
        seq: String(target.chain_seq),
        entryId: String(target.id),
      });
    }
  });

  test("a forged entry appended with a recomputed hash and head is caught without the key", async () => {
    const [head] = await app.db.$queryRaw<
      { last_seq: bigint; last_hash: string }[]
    >`SELECT last_seq, last_hash FROM backup_audit_chain`;
    await app.db.$executeRaw`
      INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_name, chain_seq, prev_hash)
      VALUES ('tape', 'forged', 'delete', '{}', 'Nobody', ${head!.last_seq + 1n}, ${head!.last_hash})`;
    await rehashFrom(head!.last_seq + 1n, (prev, content) => chainHash(null, prev, content));
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({
      kind: "changed",
      seq: String(head!.last_seq + 1n),
    });
  });

  test("an entry replaced in the middle (deleted and re-inserted at its position) is caught", async () => {
    const target = (await entries())[2]!;
    await app.db.$executeRaw`DELETE FROM backup_audit_log WHERE id = ${target.id}`;
    await app.db.$executeRaw`
      INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_name, chain_seq, prev_hash, hash)
      VALUES ('tape', 'forged', 'update', '{}', 'Nobody', ${target.chain_seq}, 'not the previous hash', 'x')`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({ kind: "inserted", seq: String(target.chain_seq) });
  });

  test("writes after a truncated log start a fresh, intact chain", async () => {
    await truncateAll(app.db);
    ({ caller } = await signedInUser(app, { role: "admin" }));
    await caller.tapes.register({ barcode: nextBarcode() });
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true, entries: 1, head: { seq: "1" } });
  });
});

describe("checkpoints of the chain head", () => {
  test("the newest entries deleted with the head set back pass the chain alone, and fail against a checkpoint", async () => {
    const checkpoint = await createAuditCheckpoint(app.db);
    const rows = await entries();
    expect(checkpoint).toMatchObject({ seq: String(rows.length), keyId: auditKey().id });

    await truncateTo(BigInt(rows.length - 2));
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true, entries: rows.length - 2 });
    expect(problem(await verifyAuditChain(app.db, { checkpoint }))).toMatchObject({
      kind: "truncated",
      seq: String(rows.length - 1),
      message: expect.stringContaining(`entries up to #${rows.length}`),
    });
  });

  test("an emptied log is not intact against a checkpoint", async () => {
    const checkpoint = await createAuditCheckpoint(app.db);
    await app.db.$executeRaw`DELETE FROM backup_audit_log`;
    await app.db.$executeRaw`DELETE FROM backup_audit_chain`;
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true, entries: 0 });
    const report = await verifyAuditChain(app.db, { checkpoint });
    expect(report.intact).toBe(false);
    expect(problem(report)).toMatchObject({ kind: "truncated", message: expect.stringContaining("The log is empty") });
  });

  test("a log that grew since the checkpoint is intact against it, and says so", async () => {
    const checkpoint = await createAuditCheckpoint(app.db);
    await caller.tapes.register({ barcode: nextBarcode() });
    expect(await verifyAuditChain(app.db, { checkpoint })).toMatchObject({
      intact: true,
      keyed: true,
      checkpoint: { seq: checkpoint.seq, createdAt: checkpoint.createdAt },
    });
  });

  test("a checkpoint edited to point elsewhere, or signed with another key, is refused", async () => {
    const checkpoint = await createAuditCheckpoint(app.db);
    await expect(verifyAuditChain(app.db, { checkpoint: { ...checkpoint, seq: "2" } })).rejects.toThrow(
      /signature does not match/,
    );
    await expect(verifyAuditChain(app.db, { checkpoint, key: otherKey })).rejects.toThrow(/another audit key/);
  });

  test("an empty log has no checkpoint", async () => {
    await truncateAll(app.db);
    await expect(createAuditCheckpoint(app.db)).rejects.toThrow(/empty/);
  });
});

describe("keying a chain sealed before keys", () => {
  /** The chain as an older version left it: plain SHA-256 hashes and no key named at the head. */
  async function unkeyed() {
    await rehashFrom(1n, (prev, content) => chainHash(null, prev, content));
    await app.db.$executeRaw`UPDATE backup_audit_chain SET key_id = NULL`;
  }

  test("is verified as before until the next change, which re-seals it once with an entry saying so", async () => {
    await unkeyed();
    const before = await entries();
    const [oldHead] = await app.db.$queryRaw<{ last_hash: string }[]>`SELECT last_hash FROM backup_audit_chain`;
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true, keyed: false, entries: before.length });

    await caller.tapes.register({ barcode: nextBarcode() });
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true, keyed: true, entries: before.length + 2 });
    const [keyed] = await app.db.$queryRaw<{ chain_seq: bigint; changes: unknown; key_id: string }[]>`
      SELECT l.chain_seq, l.changes, c.key_id FROM backup_audit_log l, backup_audit_chain c
      WHERE l.entity_type = 'audit_chain' AND l.action = 'keyed'`;
    expect(keyed).toMatchObject({
      chain_seq: BigInt(before.length + 2),
      key_id: auditKey().id,
      changes: {
        entries: { from: null, to: before.length },
        unkeyedHead: { from: null, to: { seq: before.length, hash: oldHead!.last_hash } },
      },
    });

    // Once only: later changes just extend the keyed chain.
    await caller.tapes.register({ barcode: nextBarcode() });
    const resealed = await app.db.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) FROM backup_audit_log WHERE entity_type = 'audit_chain'`;
    expect(resealed).toEqual([{ count: 1n }]);
  });

  test("is not re-sealed when it was already broken: the break stays visible", async () => {
    await unkeyed();
    const target = (await entries())[2]!;
    await app.db.$executeRaw`UPDATE backup_audit_log SET actor_name = 'Someone Else' WHERE id = ${target.id}`;
    await caller.tapes.register({ barcode: nextBarcode() });
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({ kind: "changed", seq: String(target.chain_seq) });
  });
});

describe("the audit key", () => {
  test("a server with another key refuses to extend the chain and reports the key, not tampering", async () => {
    await expect(
      app.db.$transaction((tx) =>
        sealAuditEntries(
          tx,
          [
            {
              entityType: "tape",
              entityId: "x",
              action: "create",
              changes: {},
              actor: { id: null, name: "Other server" },
              at: new Date(),
            },
          ],
          otherKey,
        ),
      ),
    ).rejects.toThrow(AuditKeyMismatchError);
    expect(problem(await verifyAuditChain(app.db, { key: otherKey }))).toMatchObject({
      kind: "key",
      message: expect.stringContaining(otherKey.id),
    });
    expect(await verifyAuditChain(app.db)).toMatchObject({ intact: true });
  });
});
