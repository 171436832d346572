-- A hash chain over the audit log: each entry stores the hash of the entry before it and its own hash
-- over that and its canonical content, so an entry changed, removed or added behind the app's back
-- breaks the chain where it happened. Entries are sealed into the chain when their transaction ends
-- (backup_audit_seal), which holds the single chain-head row only from then until commit.

ALTER TABLE "backup_audit_log"
  ADD COLUMN "chain_seq" BIGINT,
  ADD COLUMN "prev_hash" TEXT,
  ADD COLUMN "hash" TEXT;

CREATE UNIQUE INDEX "backup_audit_log_chain_seq_key" ON "backup_audit_log"("chain_seq");
-- Entries wait unsealed only inside their own transaction: this index stays empty between transactions.
CREATE INDEX "backup_audit_log_unsealed_idx" ON "backup_audit_log"("id") WHERE "chain_seq" IS NULL;

CREATE TABLE "backup_audit_chain" (
  "id" INTEGER NOT NULL DEFAULT 1,
  "last_seq" BIGINT NOT NULL DEFAULT 0,
  "last_hash" TEXT NOT NULL DEFAULT '',
  CONSTRAINT "backup_audit_chain_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "backup_audit_chain_single_row" CHECK ("id" = 1)
);

-- The canonical content of an entry, the one definition both sealing and verification hash.
CREATE FUNCTION backup_audit_content(entry backup_audit_log) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_array(
    entry.chain_seq::text, entry.id::text, entry.entity_type, entry.entity_id, entry.action, entry.changes,
    entry.actor_id, entry.actor_name, to_char(entry.created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US')
  )::text
$$;

CREATE FUNCTION backup_audit_hash(prev_hash TEXT, content TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT encode(sha256(convert_to(prev_hash || E'\n' || content, 'UTF8')), 'hex')
$$;

-- Seals the entries the current transaction wrote, in the order it wrote them, and returns how many.
CREATE FUNCTION backup_audit_seal() RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
  head backup_audit_chain;
  entry backup_audit_log;
  sealed INTEGER := 0;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM backup_audit_log WHERE chain_seq IS NULL AND xmin = pg_current_xact_id()::xid) THEN
    RETURN 0;
  END IF;
  INSERT INTO backup_audit_chain (id) VALUES (1)
    ON CONFLICT (id) DO UPDATE SET id = backup_audit_chain.id
    RETURNING * INTO head;
  FOR entry IN
    SELECT * FROM backup_audit_log WHERE chain_seq IS NULL AND xmin = pg_current_xact_id()::xid ORDER BY id
  LOOP
    entry.chain_seq := head.last_seq + 1;
    entry.prev_hash := head.last_hash;
    entry.hash := backup_audit_hash(head.last_hash, backup_audit_content(entry));
    UPDATE backup_audit_log SET chain_seq = entry.chain_seq, prev_hash = entry.prev_hash, hash = entry.hash
      WHERE id = entry.id;
    head.last_seq := entry.chain_seq;
    head.last_hash := entry.hash;
    sealed := sealed + 1;
  END LOOP;
  UPDATE backup_audit_chain SET last_seq = head.last_seq, last_hash = head.last_hash WHERE id = 1;
  RETURN sealed;
END
$$;

-- Entries written before the chain existed are sealed now, oldest first.
DO $$
DECLARE
  head backup_audit_chain;
  entry backup_audit_log;
BEGIN
  INSERT INTO backup_audit_chain (id) VALUES (1) RETURNING * INTO head;
  FOR entry IN SELECT * FROM backup_audit_log ORDER BY id LOOP
    entry.chain_seq := head.last_seq + 1;
    entry.prev_hash := head.last_hash;
    entry.hash := backup_audit_hash(head.last_hash, backup_audit_content(entry));
    UPDATE backup_audit_log SET chain_seq = entry.chain_seq, prev_hash = entry.prev_hash, hash = entry.hash
      WHERE id = entry.id;
    head.last_seq := entry.chain_seq;
    head.last_hash := entry.hash;
  END LOOP;
  UPDATE backup_audit_chain SET last_seq = head.last_seq, last_hash = head.last_hash WHERE id = 1;
END
$$;
