-- A transaction's audit entries are now written when it is sealed, already numbered after the chain
-- head, by the function that takes the head's lock (called from server/audit/chain.ts): nothing is left
-- to number entry by entry. As a function its plans are kept for the session, which a single change on
-- the embedded database feels.
DROP FUNCTION backup_audit_number();

-- Locks the chain head (until commit), writes `entries` (a JSON array of [entity_type, entity_id, action,
-- changes, actor_id, actor_name, created_at]) numbered after it in their order, and returns each with its
-- canonical content and the head it follows. The app hashes them and stores the hashes and the new head in
-- the same transaction.
CREATE FUNCTION backup_audit_write(entries JSONB)
  RETURNS TABLE (entry_id BIGINT, entry_seq BIGINT, entry_content TEXT, head_hash TEXT, head_key_id TEXT)
  LANGUAGE plpgsql AS $$
DECLARE
  head backup_audit_chain;
BEGIN
  INSERT INTO backup_audit_chain (id) VALUES (1)
    ON CONFLICT (id) DO UPDATE SET id = backup_audit_chain.id
    RETURNING * INTO head;
  RETURN QUERY
    INSERT INTO backup_audit_log AS l (entity_type, entity_id, action, changes, actor_id, actor_name, created_at,
      chain_seq)
    SELECT e.row->>0, e.row->>1, e.row->>2, e.row->3, e.row->>4, e.row->>5, (e.row->>6)::timestamp(3),
      head.last_seq + e.n
    FROM jsonb_array_elements(entries) WITH ORDINALITY AS e(row, n)
    ORDER BY e.n
    RETURNING l.id, l.chain_seq, backup_audit_content(l), head.last_hash, head.key_id;
END
$$;
