import type { z } from "zod";
import { IMPORT_SYSTEM, parseJobImport, type jobImportSchema, type ParsedImport } from "../../lib/job-import";
import type { Actor } from "../audit/service";
import type { Db } from "../db";
import { transaction } from "../db/transaction";
import { DomainError } from "../errors";
import { barcodeProblems, recordReportedJobInTx } from "./reported";

type ImportInput = z.output<typeof jobImportSchema>;

/**
 * The file read and checked as the import would be, writing nothing: each row's own problems, then the
 * catalogue's (cartridges not registered or destroyed), so the preview shows all there is to fix.
 */
export async function checkJobImport(
  db: Db,
  { csv, registerUnknown }: Omit<ImportInput, "fileName">,
): Promise<ParsedImport> {
  const parsed = parseJobImport(csv);
  const barcodes = parsed.rows.flatMap((row) => row.job?.barcodes ?? []);
  const problems = await barcodeProblems(db, barcodes, { registerUnknown });
  for (const row of parsed.rows) {
    const rowProblems = [...new Set((row.job?.barcodes ?? []).flatMap((barcode) => problems.get(barcode) ?? []))];
    if (rowProblems.length > 0) {
      row.problems.push(...rowProblems);
      row.job = null;
    }
  }
  return parsed;
}

/**
 * Imports every row of the file in one transaction, or nothing: refused while any row has a problem. One
 * import record names the file and who imported it; each job points to it. A row with a job id updates
 * the job an earlier import of it made.
 */
export async function importJobs(db: Db, actor: Actor, input: ImportInput) {
  const checked = await checkJobImport(db, input);
  const withProblems = checked.rows.filter((row) => row.problems.length > 0);
  if (checked.problems.length > 0 || withProblems.length > 0 || checked.rows.length === 0) {
    const first = withProblems[0];
    throw new DomainError(
      "BAD_REQUEST",
      checked.problems[0] ??
        (first
          ? `Nothing was imported: ${withProblems.length} ${withProblems.length === 1 ? "row has" : "rows have"} problems, the first on line ${first.line}: ${first.problems[0]}`
          : "The file has no rows to import"),
    );
  }
  return transaction(db, async (tx) => {
    const record = await tx.backupJobImport.create({
      data: {
        fileName: input.fileName,
        rowCount: checked.rows.length,
        createdById: actor.id,
        createdByName: actor.name,
      },
    });
    let created = 0;
    let updated = 0;
    const registered: string[] = [];
    for (const row of checked.rows) {
      const { externalId, ...job } = row.job!;
      const result = await recordReportedJobInTx(
        tx,
        actor,
        job,
        {
          origin: "import",
          importId: record.id,
          externalSystem: externalId ? IMPORT_SYSTEM : null,
          externalId,
        },
        { registerUnknown: input.registerUnknown },
      );
      if (result.created) created++;
      else if (result.changed) updated++;
      registered.push(...result.registered);
    }
    return { importId: record.id, created, updated, unchanged: checked.rows.length - created - updated, registered };
  });
}
