-- Consignments: a case of cartridges moving between two sites, with its lines (server/consignments).
-- CreateEnum
CREATE TYPE "ConsignmentState" AS ENUM ('draft', 'awaiting_approval', 'approved', 'in_transit', 'received', 'received_with_discrepancies', 'cancelled');

-- CreateTable
CREATE TABLE "backup_consignment" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "sequence" INTEGER NOT NULL,
    "from_site_id" TEXT NOT NULL,
    "to_site_id" TEXT NOT NULL,
    "container_id" TEXT,
    "notes" TEXT,
    "state" "ConsignmentState" NOT NULL DEFAULT 'draft',
    "needs_approval" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" TEXT,
    "created_by_name" TEXT NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,
    "submitted_at" TIMESTAMP(3),
    "submitted_by_id" TEXT,
    "decided_at" TIMESTAMP(3),
    "decided_by_id" TEXT,
    "decided_by_name" TEXT,
    "rejection_reason" TEXT,
    "dispatched_at" TIMESTAMP(3),
    "dispatched_by_id" TEXT,
    "dispatched_by_name" TEXT,
    "courier_name" TEXT,
    "dispatch_signature" TEXT,
    "seal_numbers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "dispatch_event_id" TEXT,
    "received_at" TIMESTAMP(3),
    "received_by_id" TEXT,
    "received_by_name" TEXT,
    "receiver_name" TEXT,
    "receipt_signature" TEXT,
    "receipt_event_id" TEXT,
    "seal_intact" BOOLEAN,
    "received_seal_numbers" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "seal_discrepancy" TEXT,
    "seal_resolved_at" TIMESTAMP(3),
    "seal_resolved_by_name" TEXT,
    "seal_resolution" TEXT,
    "cancelled_at" TIMESTAMP(3),
    "cancelled_by_name" TEXT,
    "cancel_reason" TEXT,

    CONSTRAINT "backup_consignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "backup_consignment_tape" (
    "consignment_id" TEXT NOT NULL,
    "tape_id" TEXT NOT NULL,
    "expected" BOOLEAN NOT NULL,
    "scanned_out_at" TIMESTAMP(3),
    "scanned_in_at" TIMESTAMP(3),
    "lost_at" TIMESTAMP(3),
    "lost_by_name" TEXT,
    "lost_reason" TEXT,
    "resolved_at" TIMESTAMP(3),
    "resolved_by_name" TEXT,
    "resolution" TEXT,

    CONSTRAINT "backup_consignment_tape_pkey" PRIMARY KEY ("consignment_id","tape_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "backup_consignment_number_key" ON "backup_consignment"("number");

-- CreateIndex
CREATE UNIQUE INDEX "backup_consignment_dispatch_event_id_key" ON "backup_consignment"("dispatch_event_id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_consignment_receipt_event_id_key" ON "backup_consignment"("receipt_event_id");

-- CreateIndex
CREATE INDEX "backup_consignment_state_created_at_idx" ON "backup_consignment"("state", "created_at");

-- CreateIndex
CREATE INDEX "backup_consignment_created_at_id_idx" ON "backup_consignment"("created_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "backup_consignment_year_sequence_key" ON "backup_consignment"("year", "sequence");

-- CreateIndex
CREATE INDEX "backup_consignment_tape_tape_id_idx" ON "backup_consignment_tape"("tape_id");

-- AddForeignKey
ALTER TABLE "backup_consignment" ADD CONSTRAINT "backup_consignment_from_site_id_fkey" FOREIGN KEY ("from_site_id") REFERENCES "backup_site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_consignment" ADD CONSTRAINT "backup_consignment_to_site_id_fkey" FOREIGN KEY ("to_site_id") REFERENCES "backup_site"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_consignment_tape" ADD CONSTRAINT "backup_consignment_tape_consignment_id_fkey" FOREIGN KEY ("consignment_id") REFERENCES "backup_consignment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "backup_consignment_tape" ADD CONSTRAINT "backup_consignment_tape_tape_id_fkey" FOREIGN KEY ("tape_id") REFERENCES "backup_tape_cartridge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

