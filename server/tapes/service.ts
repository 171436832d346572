import type { Db } from "../db";

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
