-- The lists' "contains" searches (a cartridge's barcode; a job's name or source system) read the whole table
-- through a b-tree, which only serves prefixes. Trigram indexes answer LIKE and ILIKE '%text%' for text of
-- three characters or more. The embedded database loads the same extension (server/db/pglite.ts).
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

CREATE INDEX "backup_tape_cartridge_barcode_trgm" ON "backup_tape_cartridge" USING GIN ("barcode" gin_trgm_ops);

CREATE INDEX "backup_job_name_trgm" ON "backup_job" USING GIN ("name" gin_trgm_ops);

CREATE INDEX "backup_job_source_system_trgm" ON "backup_job" USING GIN ("source_system" gin_trgm_ops);
