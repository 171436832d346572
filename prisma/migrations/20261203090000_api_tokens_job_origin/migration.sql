-- CreateEnum
CREATE TYPE "JobOrigin" AS ENUM ('manual', 'integration', 'import');

-- AlterTable
ALTER TABLE "backup_job" ADD COLUMN     "api_token_id" TEXT,
ADD COLUMN     "external_id" TEXT,
ADD COLUMN     "external_system" TEXT,
ADD COLUMN     "import_id" TEXT,
ADD COLUMN     "origin" "JobOrigin" NOT NULL DEFAULT 'manual';

-- CreateTable
CREATE TABLE "app_api_token" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "expires_at" TIMESTAMP(3),
    "revoked_at" TIMESTAMP(3),
    "revoked_by_name" TEXT,
    "last_used_at" TIMESTAMP(3),
    "window_started_at" TIMESTAMP(3),
    "window_requests" INTEGER NOT NULL DEFAULT 0,
    "created_by_id" TEXT,
    "created_by_name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_job_import" (
    "id" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "row_count" INTEGER NOT NULL,
    "created_by_id" TEXT,
    "created_by_name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_job_import_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_api_token_name_key" ON "app_api_token"("name");

-- CreateIndex
CREATE UNIQUE INDEX "app_api_token_prefix_key" ON "app_api_token"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "app_api_token_token_hash_key" ON "app_api_token"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "backup_job_external_system_external_id_key" ON "backup_job"("external_system", "external_id");

-- AddForeignKey
ALTER TABLE "backup_job" ADD CONSTRAINT "backup_job_api_token_id_fkey" FOREIGN KEY ("api_token_id") REFERENCES "app_api_token"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_job" ADD CONSTRAINT "backup_job_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "backup_job_import"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_api_token" ADD CONSTRAINT "app_api_token_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_job_import" ADD CONSTRAINT "backup_job_import_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- A job's origin names its source, and only its own: a job reported by an integration has the token and
-- nothing of an import, and the other way round. The external system and id come as a pair.
ALTER TABLE "backup_job" ADD CONSTRAINT "backup_job_origin_source_check" CHECK (
  (origin = 'manual' AND api_token_id IS NULL AND import_id IS NULL)
  OR (origin = 'integration' AND api_token_id IS NOT NULL AND import_id IS NULL)
  OR (origin = 'import' AND import_id IS NOT NULL AND api_token_id IS NULL)
);
ALTER TABLE "backup_job" ADD CONSTRAINT "backup_job_external_pair_check" CHECK (
  (external_system IS NULL) = (external_id IS NULL)
);
