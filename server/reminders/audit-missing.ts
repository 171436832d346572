import type { Db } from "../db";

/**
 * The cartridges an inventory audit's corrections found missing and nobody has resolved yet: an incident
 * each, from BackupInventoryExpected (missingAt set, resolvedAt null), with the first `examples` of them,
 * longest missing first. Read here from the table itself, the audits' own rule, in one place for the
 * overview and the digest.
 */
export async function auditMissing(db: Db, examples: number) {
  const where = { missingAt: { not: null }, resolvedAt: null };
  const [count, rows] = await Promise.all([
    db.backupInventoryExpected.count({ where }),
    db.backupInventoryExpected.findMany({
      where,
      orderBy: [{ missingAt: "asc" }, { tapeId: "asc" }],
      take: examples,
      select: {
        missingAt: true,
        tape: { select: { id: true, barcode: true } },
        audit: { select: { id: true, number: true, site: { select: { name: true } } } },
      },
    }),
  ]);
  return {
    count,
    examples: rows.map(({ tape, audit, missingAt }) => ({
      tape,
      audit: { id: audit.id, number: audit.number, siteName: audit.site.name },
      missingAt: missingAt!,
    })),
  };
}
