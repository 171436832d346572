-- A pushed batch locks its cartridges and reads where each is now in one call: the second query runs after
-- the locks are held and, the function being volatile, sees what any transaction it waited for committed,
-- as a separate statement would. Planned without bitmap scans, as before (see lock_tapes_by_label).
DROP FUNCTION backup_lock_tapes_by_label(TEXT[]);

CREATE FUNCTION backup_lock_tapes_by_label(labels TEXT[])
  RETURNS TABLE (id TEXT, barcode TEXT, location_id TEXT, located_at TIMESTAMP(3))
  LANGUAGE plpgsql SET enable_bitmapscan = off AS $$
BEGIN
  PERFORM 1 FROM backup_tape_cartridge t WHERE t.barcode = ANY(labels) ORDER BY t.id FOR UPDATE;
  RETURN QUERY
    SELECT t.id, t.barcode, l.id, l.occurred_at
    FROM backup_tape_cartridge t LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
    WHERE t.barcode = ANY(labels);
END
$$;
