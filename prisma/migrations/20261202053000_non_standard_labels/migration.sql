-- Legacy and in-house labels that are not LTO labels, registered with their generation chosen by hand.
ALTER TABLE "backup_tape_cartridge" ADD COLUMN "non_standard_label" BOOLEAN NOT NULL DEFAULT false;

-- A tombstone now says a barcode no longer names a cartridge: the cartridge was deleted, or its barcode was
-- corrected. One cartridge can leave several, one per barcode it had.
ALTER TABLE "backup_tape_tombstone" DROP CONSTRAINT "backup_tape_tombstone_pkey";
ALTER TABLE "backup_tape_tombstone" ADD CONSTRAINT "backup_tape_tombstone_pkey" PRIMARY KEY ("tape_id", "barcode");

-- A barcode that comes back (corrected there and back, then deleted) is dated again: offline catalogues pull
-- tombstones by date, and an old date would sit behind their cursor.
CREATE OR REPLACE FUNCTION "backup_tape_tombstone_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "backup_tape_tombstone" ("tape_id", "barcode", "deleted_at")
  VALUES (OLD."id", OLD."barcode", clock_timestamp() AT TIME ZONE 'UTC')
  ON CONFLICT ("tape_id", "barcode") DO UPDATE SET "deleted_at" = EXCLUDED."deleted_at";
  RETURN OLD;
END
$$;

CREATE TRIGGER "backup_tape_cartridge_barcode_tombstone"
  AFTER UPDATE OF "barcode" ON "backup_tape_cartridge"
  FOR EACH ROW WHEN (OLD."barcode" IS DISTINCT FROM NEW."barcode")
  EXECUTE FUNCTION "backup_tape_tombstone_on_delete"();
