-- Inventory audits, destruction records and the daily digest's preferences and deliveries.
-- CreateEnum
CREATE TYPE "InventoryAuditState" AS ENUM ('open', 'closed', 'cancelled');

-- CreateEnum
CREATE TYPE "InventoryScanOutcome" AS ENUM ('present', 'misplaced', 'unknown');

-- CreateEnum
CREATE TYPE "SanitizationMethod" AS ENUM ('clear', 'purge', 'destroy');

-- CreateTable
CREATE TABLE "backup_inventory_audit" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,
    "site_id" TEXT NOT NULL,
    "shelf" TEXT,
    "locker" TEXT,
    "notes" TEXT,
    "state" "InventoryAuditState" NOT NULL DEFAULT 'open',
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_by_id" TEXT,
    "started_by_name" TEXT NOT NULL,
    "closed_at" TIMESTAMP(3),
    "closed_by_id" TEXT,
    "closed_by_name" TEXT,
    "corrected_at" TIMESTAMP(3),
    "corrected_by_name" TEXT,
    "cancelled_at" TIMESTAMP(3),
    "cancelled_by_name" TEXT,
    "cancel_reason" TEXT,

    CONSTRAINT "backup_inventory_audit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_inventory_expected" (
    "audit_id" TEXT NOT NULL,
    "tape_id" TEXT NOT NULL,
    "missing_at" TIMESTAMP(3),
    "resolved_at" TIMESTAMP(3),
    "resolved_by_name" TEXT,
    "resolution" TEXT,

    CONSTRAINT "backup_inventory_expected_pkey" PRIMARY KEY ("audit_id","tape_id")
);

-- CreateTable
CREATE TABLE "backup_inventory_scan" (
    "id" TEXT NOT NULL,
    "audit_id" TEXT NOT NULL,
    "barcode" TEXT NOT NULL,
    "tape_id" TEXT,
    "outcome" "InventoryScanOutcome" NOT NULL,
    "catalogue_location" TEXT,
    "scanned_at" TIMESTAMP(3) NOT NULL,
    "scanned_by_id" TEXT,
    "scanned_by_name" TEXT NOT NULL,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event_id" TEXT,
    "device_id" TEXT,

    CONSTRAINT "backup_inventory_scan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_destruction" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,
    "method" "SanitizationMethod" NOT NULL,
    "technique" TEXT NOT NULL,
    "performed_at" TIMESTAMP(3) NOT NULL,
    "performed_by" TEXT NOT NULL,
    "witness" TEXT,
    "vendor" TEXT,
    "vendor_certificate" TEXT,
    "verification" TEXT NOT NULL,
    "remains_destination" TEXT NOT NULL,
    "override_reason" TEXT,
    "notes" TEXT,
    "recorded_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "recorded_by_id" TEXT,
    "recorded_by_name" TEXT NOT NULL,

    CONSTRAINT "backup_destruction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_destruction_tape" (
    "destruction_id" TEXT NOT NULL,
    "tape_id" TEXT NOT NULL,
    "overridden" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "backup_destruction_tape_pkey" PRIMARY KEY ("destruction_id","tape_id")
);

-- CreateTable
CREATE TABLE "notification_preference" (
    "user_id" TEXT NOT NULL,
    "daily_digest" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "notification_preference_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "digest_delivery" (
    "id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMP(3),
    "last_error" TEXT,
    "next_try_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "digest_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_inventory_audit_number_key" ON "backup_inventory_audit"("number");

-- CreateIndex
CREATE INDEX "backup_inventory_audit_site_id_state_closed_at_idx" ON "backup_inventory_audit"("site_id", "state", "closed_at");

-- CreateIndex
CREATE INDEX "backup_inventory_audit_started_at_id_idx" ON "backup_inventory_audit"("started_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_inventory_audit_year_sequence_key" ON "backup_inventory_audit"("year", "sequence");

-- CreateIndex
CREATE INDEX "backup_inventory_expected_tape_id_idx" ON "backup_inventory_expected"("tape_id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_inventory_scan_event_id_key" ON "backup_inventory_scan"("event_id");

-- CreateIndex
CREATE INDEX "backup_inventory_scan_tape_id_idx" ON "backup_inventory_scan"("tape_id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_inventory_scan_audit_id_barcode_key" ON "backup_inventory_scan"("audit_id", "barcode");

-- CreateIndex
CREATE UNIQUE INDEX "backup_destruction_number_key" ON "backup_destruction"("number");

-- CreateIndex
CREATE INDEX "backup_destruction_performed_at_id_idx" ON "backup_destruction"("performed_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_destruction_year_sequence_key" ON "backup_destruction"("year", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "backup_destruction_tape_tape_id_key" ON "backup_destruction_tape"("tape_id");

-- CreateIndex
CREATE INDEX "digest_delivery_sent_at_next_try_at_idx" ON "digest_delivery"("sent_at", "next_try_at");

-- CreateIndex
CREATE UNIQUE INDEX "digest_delivery_user_id_day_key" ON "digest_delivery"("user_id", "day");

-- AddForeignKey
ALTER TABLE "backup_inventory_audit" ADD CONSTRAINT "backup_inventory_audit_site_id_fkey" FOREIGN KEY ("site_id") REFERENCES "backup_site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_inventory_expected" ADD CONSTRAINT "backup_inventory_expected_audit_id_fkey" FOREIGN KEY ("audit_id") REFERENCES "backup_inventory_audit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_inventory_expected" ADD CONSTRAINT "backup_inventory_expected_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_inventory_scan" ADD CONSTRAINT "backup_inventory_scan_audit_id_fkey" FOREIGN KEY ("audit_id") REFERENCES "backup_inventory_audit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_inventory_scan" ADD CONSTRAINT "backup_inventory_scan_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_destruction_tape" ADD CONSTRAINT "backup_destruction_tape_destruction_id_fkey" FOREIGN KEY ("destruction_id") REFERENCES "backup_destruction"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_destruction_tape" ADD CONSTRAINT "backup_destruction_tape_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "notification_preference" ADD CONSTRAINT "notification_preference_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "digest_delivery" ADD CONSTRAINT "digest_delivery_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

