-- The open incidents the overview and the daily digest count on every read: cartridges an inventory audit
-- found missing and nobody resolved, and consignment cartridges not (yet) scanned in, among which are the
-- missing and lost ones. Both are few beside their tables, which keep every audit's and every case's lines.
CREATE INDEX "backup_inventory_expected_open_missing" ON "backup_inventory_expected"("missing_at", "tape_id")
  WHERE "missing_at" IS NOT NULL AND "resolved_at" IS NULL;

CREATE INDEX "backup_consignment_tape_not_scanned_in" ON "backup_consignment_tape"("consignment_id")
  WHERE "scanned_in_at" IS NULL;
