-- The audit hash chain becomes keyed: each entry's hash is an HMAC with a secret the database never sees
-- (AUDIT_KEY, or a key file beside the data directory), so someone who can write to the database can no
-- longer rewrite entries and recompute their hashes. The app computes the hashes; the database numbers
-- the entries and holds the chain head. `key_id` names the key the chain is sealed with: NULL for a chain
-- sealed before keys (re-sealed with the key by the next transaction that writes to the log), '' for
-- such a chain found broken then, which stays unkeyed so the break stays visible.

ALTER TABLE "backup_audit_chain" ADD COLUMN "key_id" TEXT;

DROP FUNCTION backup_audit_seal();
DROP FUNCTION backup_audit_hash(TEXT, TEXT);

-- Numbers the entries the current transaction wrote, in the order it wrote them, after the chain head
-- (whose row lock it takes and holds until commit), and returns each with its canonical content and the
-- head it follows. The app hashes them and stores the hashes and the new head in the same transaction.
CREATE FUNCTION backup_audit_number()
  RETURNS TABLE (entry_id BIGINT, entry_seq BIGINT, entry_content TEXT, head_hash TEXT, head_key_id TEXT)
  LANGUAGE plpgsql AS $$
DECLARE
  head backup_audit_chain;
  entry backup_audit_log;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM backup_audit_log l WHERE l.chain_seq IS NULL AND l.xmin = pg_current_xact_id()::xid) THEN
    RETURN;
  END IF;
  INSERT INTO backup_audit_chain (id) VALUES (1)
    ON CONFLICT (id) DO UPDATE SET id = backup_audit_chain.id
    RETURNING * INTO head;
  FOR entry IN
    SELECT * FROM backup_audit_log l WHERE l.chain_seq IS NULL AND l.xmin = pg_current_xact_id()::xid ORDER BY l.id
  LOOP
    head.last_seq := head.last_seq + 1;
    entry.chain_seq := head.last_seq;
    UPDATE backup_audit_log SET chain_seq = entry.chain_seq WHERE id = entry.id;
    entry_id := entry.id;
    entry_seq := entry.chain_seq;
    entry_content := backup_audit_content(entry);
    head_hash := head.last_hash;
    head_key_id := head.key_id;
    RETURN NEXT;
  END LOOP;
END
$$;
