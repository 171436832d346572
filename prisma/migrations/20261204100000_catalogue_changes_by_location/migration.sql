-- The offline catalogue learns of a new current location from the location row itself (its recorded_at)
-- rather than from the cartridge's updated_at: touching the cartridge on every move rewrote its row through
-- every cartridge index and fired its update triggers, for a change the cartridge row does not hold.
CREATE INDEX "backup_tape_location_current_recorded" ON "backup_tape_location"("recorded_at", "tape_id") WHERE "is_current";
