-- The job list pages by keyset on (sort key, id): each page is then one index range scan.
DROP INDEX "backup_job_job_date_idx";
DROP INDEX "backup_job_expires_at_idx";

CREATE INDEX "backup_job_job_date_id_idx" ON "backup_job"("job_date", "id");
CREATE INDEX "backup_job_expires_at_id_idx" ON "backup_job"("expires_at", "id");
CREATE INDEX "backup_job_name_id_idx" ON "backup_job"("name", "id");
