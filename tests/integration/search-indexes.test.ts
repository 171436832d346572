import { describe, expect, test } from "vitest";
import { Prisma } from "../../generated/prisma/client";
import { containsPattern } from "../../server/db/like";
import { useTestApp } from "../helpers/app";

const app = useTestApp();

/**
 * The plan for `query` with whole-table reads priced out. On a test's nearly empty tables a sequential scan
 * is always cheapest; with it off, what is left shows whether an index can serve the query at all, which is
 * what it does at scale (docs/PERFORMANCE.md, "Catalogue").
 */
function planAtScale(query: Prisma.Sql) {
  return app.db.$transaction(async (tx) => {
    await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
    const rows = await tx.$queryRaw<Record<string, string>[]>`EXPLAIN ${query}`;
    return rows.map((row) => Object.values(row).join("")).join("\n");
  });
}

describe("contains-searches are served by trigram indexes", () => {
  test("a cartridge's barcode, as the cartridge list searches it", async () => {
    const plan = await planAtScale(
      Prisma.sql`SELECT id FROM backup_tape_cartridge WHERE barcode LIKE ${containsPattern("0421")}`,
    );
    expect(plan).toContain("backup_tape_cartridge_barcode_trgm");
  });

  test("a job's name or source system, case-insensitively, as the job list searches them", async () => {
    const pattern = containsPattern("srv-42");
    const plan = await planAtScale(
      Prisma.sql`SELECT id FROM backup_job WHERE name ILIKE ${pattern} OR source_system ILIKE ${pattern}`,
    );
    expect(plan).toContain("backup_job_name_trgm");
    expect(plan).toContain("backup_job_source_system_trgm");
  });
});
