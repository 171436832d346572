-- CreateEnum
CREATE TYPE "SyncEventStatus" AS ENUM ('applied', 'rejected', 'discarded');

-- CreateTable
CREATE TABLE "backup_tape_tombstone" (
    "tape_id" TEXT NOT NULL,
    "barcode" TEXT NOT NULL,
    "deleted_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_tape_tombstone_pkey" PRIMARY KEY ("tape_id")
);

-- CreateTable
CREATE TABLE "sync_event" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3),
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "SyncEventStatus" NOT NULL,
    "reason" TEXT,
    "content" JSONB,

    CONSTRAINT "sync_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "backup_tape_tombstone_deleted_at_tape_id_idx" ON "backup_tape_tombstone"("deleted_at", "tape_id");

-- Every delete of a cartridge leaves a tombstone for offline catalogues, whichever code path deletes it.
-- Stored in UTC like every timestamp the application writes, whatever the session's time zone.
CREATE FUNCTION "backup_tape_tombstone_on_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "backup_tape_tombstone" ("tape_id", "barcode", "deleted_at")
  VALUES (OLD."id", OLD."barcode", clock_timestamp() AT TIME ZONE 'UTC')
  ON CONFLICT ("tape_id") DO NOTHING;
  RETURN OLD;
END
$$;

CREATE TRIGGER "backup_tape_cartridge_tombstone"
  AFTER DELETE ON "backup_tape_cartridge"
  FOR EACH ROW EXECUTE FUNCTION "backup_tape_tombstone_on_delete"();
