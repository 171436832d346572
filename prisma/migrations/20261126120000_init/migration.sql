-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'staff', 'courier', 'custodian');

-- CreateEnum
CREATE TYPE "AccessLevel" AS ENUM ('read', 'write');

-- CreateEnum
CREATE TYPE "TapeStatus" AS ENUM ('empty', 'in_use', 'full', 'pending_destruction', 'destroyed');

-- CreateEnum
CREATE TYPE "MediaType" AS ENUM ('data', 'worm', 'cleaning');

-- CreateEnum
CREATE TYPE "LocationKind" AS ENUM ('on_site', 'in_transit', 'off_site');

-- CreateEnum
CREATE TYPE "VerificationResult" AS ENUM ('passed', 'failed', 'partial', 'not_verified');

-- CreateTable
CREATE TABLE "app_user" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "email_verified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "role" "UserRole" NOT NULL DEFAULT 'staff',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_session" (
    "id" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "ip_address" TEXT,
    "user_agent" TEXT,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_account" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "provider_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "access_token" TEXT,
    "refresh_token" TEXT,
    "id_token" TEXT,
    "access_token_expires_at" TIMESTAMP(3),
    "refresh_token_expires_at" TIMESTAMP(3),
    "scope" TEXT,
    "password" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_verification" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_rate_limit" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "last_request" BIGINT NOT NULL,

    CONSTRAINT "app_rate_limit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_module_access" (
    "user_id" TEXT NOT NULL,
    "module" TEXT NOT NULL,
    "level" "AccessLevel" NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_module_access_pkey" PRIMARY KEY ("user_id","module")
);

-- CreateTable
CREATE TABLE "app_setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_setting_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "backup_tape_cartridge" (
    "id" TEXT NOT NULL,
    "barcode" TEXT NOT NULL,
    "media_id" TEXT NOT NULL,
    "generation" INTEGER,
    "media_type" "MediaType" NOT NULL,
    "native_capacity_bytes" BIGINT,
    "status" "TapeStatus" NOT NULL DEFAULT 'empty',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notes" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "backup_tape_cartridge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_job" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "job_date" TIMESTAMP(3) NOT NULL,
    "retention_days" INTEGER NOT NULL,
    "expires_at" TIMESTAMP(3) NOT NULL,
    "total_files" BIGINT NOT NULL DEFAULT 0,
    "total_bytes" BIGINT NOT NULL DEFAULT 0,
    "verification" "VerificationResult" NOT NULL DEFAULT 'not_verified',
    "source_system" TEXT,
    "technician" TEXT,
    "notes" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "backup_job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_job_tape" (
    "job_id" TEXT NOT NULL,
    "tape_id" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "backup_job_tape_pkey" PRIMARY KEY ("job_id","tape_id")
);

-- CreateTable
CREATE TABLE "backup_tape_location" (
    "id" TEXT NOT NULL,
    "tape_id" TEXT NOT NULL,
    "kind" "LocationKind" NOT NULL,
    "site" TEXT,
    "shelf" TEXT,
    "locker" TEXT,
    "slot" TEXT,
    "custodian" TEXT,
    "service_provider" TEXT,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recorded_by_id" TEXT,
    "recorded_by_name" TEXT NOT NULL,
    "is_current" BOOLEAN NOT NULL DEFAULT false,
    "event_id" TEXT,
    "device_id" TEXT,

    CONSTRAINT "backup_tape_location_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_tape_custody" (
    "id" TEXT NOT NULL,
    "tape_id" TEXT NOT NULL,
    "from_party" TEXT NOT NULL,
    "to_party" TEXT NOT NULL,
    "occurred_at" TIMESTAMP(3) NOT NULL,
    "signer_name" TEXT NOT NULL,
    "signature" TEXT,
    "container_id" TEXT,
    "seal_number" TEXT,
    "notes" TEXT,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recorded_by_id" TEXT,
    "recorded_by_name" TEXT NOT NULL,
    "event_id" TEXT,
    "device_id" TEXT,

    CONSTRAINT "backup_tape_custody_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_audit_log" (
    "id" BIGSERIAL NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "backup_audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE UNIQUE INDEX "app_session_token_key" ON "app_session"("token");

-- CreateIndex
CREATE INDEX "app_session_user_id_idx" ON "app_session"("user_id");

-- CreateIndex
CREATE INDEX "app_account_user_id_idx" ON "app_account"("user_id");

-- CreateIndex
CREATE INDEX "app_verification_identifier_idx" ON "app_verification"("identifier");

-- CreateIndex
CREATE UNIQUE INDEX "app_rate_limit_key_key" ON "app_rate_limit"("key");

-- CreateIndex
CREATE UNIQUE INDEX "backup_tape_cartridge_barcode_key" ON "backup_tape_cartridge"("barcode");

-- CreateIndex
CREATE INDEX "backup_tape_cartridge_status_barcode_idx" ON "backup_tape_cartridge"("status", "barcode");

-- CreateIndex
CREATE INDEX "backup_tape_cartridge_generation_barcode_idx" ON "backup_tape_cartridge"("generation", "barcode");

-- CreateIndex
CREATE INDEX "backup_tape_cartridge_tags_idx" ON "backup_tape_cartridge" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "backup_tape_cartridge_updated_at_idx" ON "backup_tape_cartridge"("updated_at");

-- CreateIndex
CREATE INDEX "backup_job_job_date_idx" ON "backup_job"("job_date");

-- CreateIndex
CREATE INDEX "backup_job_expires_at_idx" ON "backup_job"("expires_at");

-- CreateIndex
CREATE INDEX "backup_job_tape_tape_id_idx" ON "backup_job_tape"("tape_id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_job_tape_job_id_position_key" ON "backup_job_tape"("job_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "backup_tape_location_event_id_key" ON "backup_tape_location"("event_id");

-- CreateIndex
CREATE INDEX "backup_tape_location_tape_id_occurred_at_idx" ON "backup_tape_location"("tape_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "backup_tape_custody_event_id_key" ON "backup_tape_custody"("event_id");

-- CreateIndex
CREATE INDEX "backup_tape_custody_tape_id_occurred_at_idx" ON "backup_tape_custody"("tape_id", "occurred_at");

-- CreateIndex
CREATE INDEX "backup_audit_log_entity_type_entity_id_id_idx" ON "backup_audit_log"("entity_type", "entity_id", "id");

-- AddForeignKey
ALTER TABLE "app_session" ADD CONSTRAINT "app_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_account" ADD CONSTRAINT "app_account_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_module_access" ADD CONSTRAINT "app_module_access_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_job_tape" ADD CONSTRAINT "backup_job_tape_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "backup_job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_job_tape" ADD CONSTRAINT "backup_job_tape_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_tape_location" ADD CONSTRAINT "backup_tape_location_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_tape_custody" ADD CONSTRAINT "backup_tape_custody_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;



-- Exactly one current location per cartridge.
CREATE UNIQUE INDEX "backup_tape_location_one_current" ON "backup_tape_location"("tape_id") WHERE "is_current";

ALTER TABLE "backup_job" ADD CONSTRAINT "backup_job_retention_days_check" CHECK ("retention_days" >= 0);
ALTER TABLE "backup_job" ADD CONSTRAINT "backup_job_totals_check" CHECK ("total_files" >= 0 AND "total_bytes" >= 0);
ALTER TABLE "backup_job_tape" ADD CONSTRAINT "backup_job_tape_position_check" CHECK ("position" >= 1);

-- Counting cartridges per current location kind reads only current rows.
CREATE INDEX "backup_tape_location_current_kind" ON "backup_tape_location"("kind") WHERE "is_current";
