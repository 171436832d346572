import type { z } from "zod";
import type { registerTapeSchema } from "../../lib/tapes";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db } from "../db";
import { DomainError, isUniqueViolation } from "../errors";

export const AUDITED_TAPE_FIELDS = [
  "barcode",
  "mediaId",
  "generation",
  "mediaType",
  "nativeCapacityBytes",
  "status",
  "tags",
  "notes",
] as const;

export async function catalogueSummary(db: Db) {
  const [tapes, jobs, byStatus] = await Promise.all([
    db.backupTapeCartridge.count(),
    db.backupJob.count(),
    db.backupTapeCartridge.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  return {
    tapes,
    jobs,
    byStatus: Object.fromEntries(byStatus.map((row) => [row.status, row._count._all])),
  };
}

export function recentTapes(db: Db, take = 10) {
  return db.backupTapeCartridge.findMany({ orderBy: { createdAt: "desc" }, take });
}

export async function registerTape(db: Db, actor: Actor, input: z.output<typeof registerTapeSchema>) {
  const { barcode: label } = input;
  try {
    return await db.$transaction(async (tx) => {
      const tape = await tx.backupTapeCartridge.create({
        data: {
          barcode: label.barcode,
          mediaId: label.mediaId,
          generation: label.generation,
          mediaType: label.mediaType,
          nativeCapacityBytes: input.nativeCapacityBytes ?? label.nativeCapacityBytes,
          status: input.status,
          tags: input.tags,
          notes: input.notes || null,
        },
      });
      await recordAudit(tx, {
        entityType: "tape",
        entityId: tape.id,
        action: "create",
        changes: diffFields(null, tape, AUDITED_TAPE_FIELDS),
        actor,
      });
      return tape;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DomainError("CONFLICT", `A cartridge with barcode ${label.barcode} is already registered`, "barcode");
    }
    throw error;
  }
}
