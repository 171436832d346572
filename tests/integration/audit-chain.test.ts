import { beforeEach, describe, expect, test } from "vitest";
import { auditHash, verifyAuditChain, type ChainReport } from "../../server/audit/chain";
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

  test("the hash computed here is the one the database seals with, for any text", async () => {
    const content = 'line one\nquote " backslash \\ tab \t emoji 🗄️ accents éü CJK 磁带';
    const [row] = await app.db.$queryRaw<{ hash: string }[]>`SELECT backup_audit_hash(${"abc"}, ${content}) AS hash`;
    expect(row!.hash).toBe(auditHash("abc", content));
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

  test("a forged entry appended with a correct hash is still caught: the chain head does not know it", async () => {
    const [head] = await app.db.$queryRaw<
      { last_seq: bigint; last_hash: string }[]
    >`SELECT last_seq, last_hash FROM backup_audit_chain`;
    await app.db.$executeRaw`
      INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_name, chain_seq, prev_hash)
      VALUES ('tape', 'forged', 'delete', '{}', 'Nobody', ${head!.last_seq + 1n}, ${head!.last_hash})`;
    await app.db
      .$executeRaw`UPDATE backup_audit_log l SET hash = backup_audit_hash(l.prev_hash, backup_audit_content(l)) WHERE entity_id = 'forged'`;
    expect(problem(await verifyAuditChain(app.db))).toMatchObject({ kind: "inserted" });
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
