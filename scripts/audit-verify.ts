import fs from "node:fs";
import { auditCheckpointSchema, verifyAuditChain, type AuditCheckpoint } from "../server/audit/chain";
import { createDb } from "../server/db";
import { env } from "../server/env";
import { inputErrorMessage } from "../server/trpc";

/**
 * `npm run audit:verify [--checkpoint FILE]`: checks the audit log's keyed hash chain from the first entry
 * to the last and, with a checkpoint (from `npm run audit:checkpoint` or Manage → Audit log), that the
 * log still reaches the checkpoint's entry unchanged. Exit code 0 when intact, 1 when an entry was
 * changed, deleted or inserted or the log was cut short, 2 when the check could not run.
 * The embedded database can be opened by one process only: while the server runs, use Manage → Audit log
 * in the app, which runs the same check.
 */

/** `--checkpoint FILE` or `--checkpoint=FILE`; npm keeps an unknown option for itself as npm_config_checkpoint. */
function checkpointFile(): string | undefined {
  const args = process.argv.slice(2);
  const at = args.findIndex((arg) => arg === "--checkpoint" || arg.startsWith("--checkpoint="));
  if (at >= 0) return args[at]!.includes("=") ? args[at]!.split("=").slice(1).join("=") : args[at + 1];
  const fromNpm = process.env.npm_config_checkpoint;
  if (fromNpm && fromNpm !== "true") return fromNpm;
  return fromNpm === "true" ? args[0] : undefined;
}

function readCheckpoint(file: string): AuditCheckpoint {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`Cannot read the checkpoint ${file}: ${(error as Error).message}`);
  }
  const parsed = auditCheckpointSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: ${inputErrorMessage(parsed.error)}`);
  return parsed.data;
}

async function main(): Promise<number> {
  const file = checkpointFile();
  const checkpoint = file ? readCheckpoint(file) : undefined;
  const db = createDb(env().DATABASE_URL);
  try {
    await db.$queryRaw`SELECT 1`; // opening the database is not part of the check's time
    const started = performance.now();
    const report = await verifyAuditChain(db, { checkpoint });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (report.intact) {
      console.log(`  Audit log intact: ${report.entries} entries checked in ${seconds} s.`);
      if (!report.keyed) console.log("  It is not sealed with the audit key yet: the next change in the app seals it.");
      console.log(`  Chain head: #${report.head.seq} ${report.head.hash || "(empty log)"}`);
      if (report.checkpoint) {
        console.log(`  It still reaches entry #${report.checkpoint.seq} of the checkpoint ${file}, unchanged.`);
      } else {
        console.log(
          "  Without a checkpoint this cannot show that the newest entries were not deleted: keep one from\n" +
            "  npm run audit:checkpoint somewhere else and pass it with --checkpoint FILE.",
        );
      }
      return 0;
    }
    console.error(`  Audit log NOT intact (${report.problem.kind}): ${report.problem.message}`);
    console.error(`  ${report.entries} entries before it are intact.`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`  The audit log could not be checked: ${error.message}`);
    process.exit(2);
  },
);
