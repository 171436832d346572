-- A pushed batch's locks also read what its audit scans are judged by, so writing the scans reads nothing:
-- each cartridge's current place (a misplaced scan records it in words), and the labels each audit expects.
DROP FUNCTION backup_lock_tapes_by_label(TEXT[]);

-- Planned without bitmap scans, as before (see lock_tapes_by_label).
CREATE FUNCTION backup_lock_tapes_by_label(labels TEXT[])
  RETURNS TABLE (id TEXT, barcode TEXT, location_id TEXT, located_at TIMESTAMP(3), location_kind TEXT,
    location_site TEXT, location_shelf TEXT, location_locker TEXT, location_slot TEXT)
  LANGUAGE plpgsql SET enable_bitmapscan = off AS $$
BEGIN
  PERFORM 1 FROM backup_tape_cartridge t WHERE t.barcode = ANY(labels) ORDER BY t.id FOR UPDATE;
  RETURN QUERY
    SELECT t.id, t.barcode, l.id, l.occurred_at, l.kind::text, l.site, l.shelf, l.locker, l.slot
    FROM backup_tape_cartridge t LEFT JOIN backup_tape_location l ON l.tape_id = t.id AND l.is_current
    WHERE t.barcode = ANY(labels);
END
$$;

DROP FUNCTION backup_lock_audits(TEXT[], TEXT[], TEXT[]);

-- The audits `ids`, locked in id order, each with the labels among `labels` (scanned for the audit at the
-- same place in `audits`) that it has counted already, and those of cartridges on its expected list.
CREATE FUNCTION backup_lock_audits(ids TEXT[], audits TEXT[], labels TEXT[])
  RETURNS TABLE (id TEXT, number TEXT, state TEXT, closed_by_name TEXT, closed_at TIMESTAMP(3),
    cancelled_by_name TEXT, cancelled_at TIMESTAMP(3), counted TEXT[], expected TEXT[])
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM backup_inventory_audit a WHERE a.id = ANY(ids) ORDER BY a.id FOR UPDATE;
  RETURN QUERY
    SELECT a.id, a.number, a.state::text, a.closed_by_name, a.closed_at, a.cancelled_by_name, a.cancelled_at,
      ARRAY(
        SELECT s.barcode FROM backup_inventory_scan s
        WHERE s.audit_id = a.id AND (s.audit_id, s.barcode) IN (SELECT * FROM unnest(audits, labels))
      ),
      ARRAY(
        SELECT s.label FROM unnest(audits, labels) AS s(audit_id, label)
        JOIN backup_tape_cartridge t ON t.barcode = s.label
        JOIN backup_inventory_expected e ON e.audit_id = s.audit_id AND e.tape_id = t.id
        WHERE s.audit_id = a.id
      )
    FROM backup_inventory_audit a
    WHERE a.id = ANY(ids);
END
$$;
