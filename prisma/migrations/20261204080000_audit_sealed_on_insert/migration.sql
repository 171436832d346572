-- A transaction's audit entries are now inserted once, already sealed. Before, the database inserted them
-- and rendered their canonical content, the app hashed it, and a second statement stored the hashes:
-- every entry was written twice in its own transaction, with a second set of index entries. Now the
-- database only locks the chain head and reserves ids; the app renders each entry's content as
-- `backup_audit_content` does (server/audit/content.ts), hashes it with the audit key, and the entries go
-- in with their hashes. The chain check still renders the content in SQL from the stored rows.
DROP FUNCTION backup_audit_write(JSONB);

-- Locks the chain head (until commit) and reserves the ids of `entries` new entries, in chain order;
-- returns the head they follow and the ids.
CREATE FUNCTION backup_audit_reserve(entries INTEGER)
  RETURNS TABLE (head_seq BIGINT, head_hash TEXT, head_key_id TEXT, ids BIGINT[])
  LANGUAGE plpgsql AS $$
DECLARE
  head backup_audit_chain;
  ids REGCLASS := pg_get_serial_sequence('backup_audit_log', 'id')::regclass;
BEGIN
  INSERT INTO backup_audit_chain (id) VALUES (1)
    ON CONFLICT (id) DO UPDATE SET id = backup_audit_chain.id
    RETURNING * INTO head;
  RETURN QUERY SELECT head.last_seq, head.last_hash, head.key_id,
    ARRAY(SELECT nextval(ids) FROM generate_series(1, entries));
END
$$;

-- Inserts sealed entries, each a JSON array [id, hash, entity_type, entity_id, action, changes, actor, at]
-- where `actor` indexes `actors` ([id, name] pairs) and `at` indexes `times`: a transaction's entries
-- mostly share both. They go in chain order from `first_seq` on, each following the one before it and the
-- first following `first_prev`; then the chain head moves to the last of them.
CREATE FUNCTION backup_audit_insert(entries JSONB, actors JSONB, times JSONB, first_seq BIGINT, first_prev TEXT,
  head_key_id TEXT)
  RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO backup_audit_log (id, chain_seq, prev_hash, hash, entity_type, entity_id, action, changes,
    actor_id, actor_name, created_at)
  SELECT (a.e->>0)::bigint, first_seq + a.n - 1, coalesce(lag(a.e->>1) OVER (ORDER BY a.n), first_prev), a.e->>1,
    a.e->>2, a.e->>3, a.e->>4, a.e->5, actors->((a.e->>6)::int)->>0, actors->((a.e->>6)::int)->>1,
    (times->>((a.e->>7)::int))::timestamp(3)
  FROM jsonb_array_elements(entries) WITH ORDINALITY AS a(e, n);
  UPDATE backup_audit_chain
    SET last_seq = first_seq + jsonb_array_length(entries) - 1, last_hash = entries->-1->>1, key_id = head_key_id
    WHERE id = 1;
END
$$;
