import { verifyAuditChain } from "../server/audit/chain";
import { createDb } from "../server/db";
import { env } from "../server/env";

/**
 * `npm run audit:verify`: checks the audit log's hash chain from the first entry to the last. Exit code
 * 0 when intact, 1 when an entry was changed, deleted or inserted, 2 when the check could not run.
 * The embedded database can be opened by one process only: while the server runs, use Manage → Audit log
 * in the app, which runs the same check.
 */
async function main(): Promise<number> {
  const db = createDb(env().DATABASE_URL);
  try {
    await db.$queryRaw`SELECT 1`; // opening the database is not part of the check's time
    const started = performance.now();
    const report = await verifyAuditChain(db);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (report.intact) {
      console.log(`  Audit log intact: ${report.entries} entries checked in ${seconds} s.`);
      console.log(`  Chain head: #${report.head.seq} ${report.head.hash || "(empty log)"}`);
      console.log(
        "  Keep a copy of the head elsewhere: a later check can then also prove nothing was rewritten before it.",
      );
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
