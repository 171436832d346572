-- Recalls of cartridges for a restore. The rotation lists themselves are computed (server/rotation/sql.ts).
CREATE TABLE "backup_recall" (
    "id" TEXT NOT NULL,
    "tape_id" TEXT NOT NULL,
    "job_id" TEXT,
    "reason" TEXT NOT NULL,
    "needed_by" TIMESTAMP(3) NOT NULL,
    "requested_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requested_by_id" TEXT,
    "requested_by_name" TEXT NOT NULL,
    "cancelled_at" TIMESTAMP(3),
    "cancelled_by_id" TEXT,
    "cancelled_by_name" TEXT,

    CONSTRAINT "backup_recall_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "backup_recall_tape_id_requested_at_idx" ON "backup_recall"("tape_id", "requested_at");
CREATE INDEX "backup_recall_job_id_idx" ON "backup_recall"("job_id");

ALTER TABLE "backup_recall" ADD CONSTRAINT "backup_recall_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "backup_recall" ADD CONSTRAINT "backup_recall_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "backup_job"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The rotation lists start from the current locations of one kind and read each cartridge's jobs' dates
-- (docs/PERFORMANCE.md, "Rotation lists"): both from indexes alone, without visiting the tables.
DROP INDEX "backup_tape_location_current_kind";
CREATE INDEX "backup_tape_location_current_kind" ON "backup_tape_location"("kind", "tape_id") INCLUDE ("occurred_at") WHERE "is_current";
CREATE INDEX "backup_job_dates" ON "backup_job"("id") INCLUDE ("job_date", "expires_at");
