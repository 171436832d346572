-- A pushed batch locks its cartridges and reads where each is now, and locks its audits and reads which of
-- its labels each has counted, in one call each. In both functions the second query runs once the locks
-- are held and, the function being volatile, sees what any transaction it waited for committed, as a
-- separate statement would; a query that locked and read at once would read as of before the wait.
DROP FUNCTION backup_lock_tapes_by_label(TEXT[]);

-- Planned without bitmap scans, as before (see lock_tapes_by_label).
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

-- The audits `ids`, locked in id order, each with the labels among `labels` (scanned for the audit at the
-- same place in `audits`) that it has counted already.
CREATE FUNCTION backup_lock_audits(ids TEXT[], audits TEXT[], labels TEXT[])
  RETURNS TABLE (id TEXT, number TEXT, state TEXT, closed_by_name TEXT, closed_at TIMESTAMP(3),
    cancelled_by_name TEXT, cancelled_at TIMESTAMP(3), counted TEXT[])
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM backup_inventory_audit a WHERE a.id = ANY(ids) ORDER BY a.id FOR UPDATE;
  RETURN QUERY
    SELECT a.id, a.number, a.state::text, a.closed_by_name, a.closed_at, a.cancelled_by_name, a.cancelled_at,
      ARRAY(
        SELECT s.barcode FROM backup_inventory_scan s
        WHERE s.audit_id = a.id AND (s.audit_id, s.barcode) IN (SELECT * FROM unnest(audits, labels))
      )
    FROM backup_inventory_audit a
    WHERE a.id = ANY(ids);
END
$$;
