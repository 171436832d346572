-- The cartridges with these labels, locked in id order (so that two transactions locking overlapping sets
-- queue rather than deadlock). Planned without bitmap scans: the barcode's trigram index also answers
-- equality, and on a catalogue of a few thousand cartridges the planner prefers it to the unique b-tree,
-- though it costs about 0.4 ms a label there (40 ms for a phone's batch of a hundred) against microseconds.
-- A GIN index is only ever read through a bitmap scan, so turning those off leaves the b-tree.
CREATE FUNCTION backup_lock_tapes_by_label(labels TEXT[]) RETURNS SETOF backup_tape_cartridge
  LANGUAGE sql SET enable_bitmapscan = off AS $$
  SELECT * FROM backup_tape_cartridge WHERE barcode = ANY(labels) ORDER BY id FOR UPDATE
$$;
