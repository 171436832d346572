-- The cartridge list pages by (sort key, id); these let each page start its index scan at the cursor.
DROP INDEX "backup_tape_cartridge_updated_at_idx";
CREATE INDEX "backup_tape_cartridge_created_at_id_idx" ON "backup_tape_cartridge"("created_at", "id");
CREATE INDEX "backup_tape_cartridge_updated_at_id_idx" ON "backup_tape_cartridge"("updated_at", "id");
