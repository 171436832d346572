-- Named sites. A location names its site by id from now on; the free-text "site" column stays, holding the
-- site's name as of the move for new rows, and the text as typed for older ones until they are mapped.
CREATE TYPE "SiteKind" AS ENUM ('on_site', 'off_site');

-- Label codes are numbered by the database, so two sites created at once never get the same one.
CREATE SEQUENCE "backup_site_code_seq";

CREATE TABLE "backup_site" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SiteKind" NOT NULL,
    "address" TEXT,
    "service_provider" TEXT,
    "default_custodian" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "code" TEXT NOT NULL DEFAULT ('SITE-'::text || lpad((nextval('backup_site_code_seq'::regclass))::text, 4, '0'::text)),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "backup_site_pkey" PRIMARY KEY ("id")
);

ALTER SEQUENCE "backup_site_code_seq" OWNED BY "backup_site"."code";

CREATE UNIQUE INDEX "backup_site_code_key" ON "backup_site"("code");

-- "Iron Vault" and "iron vault" are one site.
CREATE UNIQUE INDEX "backup_site_name_lower_key" ON "backup_site"(lower("name"));

ALTER TABLE "backup_tape_location" ADD COLUMN "site_id" TEXT;

CREATE INDEX "backup_tape_location_site_id_idx" ON "backup_tape_location"("site_id");

-- A site's page and the cartridge list filter by it list current locations only.
CREATE INDEX "backup_tape_location_current_site" ON "backup_tape_location"("site_id") WHERE "is_current";

-- Sites are retired, never deleted, while a location names them.
ALTER TABLE "backup_tape_location" ADD CONSTRAINT "backup_tape_location_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "backup_site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
