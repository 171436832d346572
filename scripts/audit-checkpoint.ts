import fs from "node:fs";
import path from "node:path";
import { createAuditCheckpoint } from "../server/audit/chain";
import { createDb } from "../server/db";
import { timestamp } from "../server/db/backup";
import { DatabaseInUseError } from "../server/db/pglite-lock";
import { env } from "../server/env";

/**
 * `npm run audit:checkpoint [FILE]`: writes a signed checkpoint of the audit chain's head (default
 * audit-checkpoint-<entry>-<time>.json). Keep it away from this server: `npm run audit:verify --checkpoint
 * FILE` later proves the log still reaches that entry unchanged. While the server runs on the embedded
 * database, download one from Manage → Audit log instead.
 */
async function main(): Promise<number> {
  const db = createDb(env().DATABASE_URL);
  try {
    const checkpoint = await createAuditCheckpoint(db);
    const file = path.resolve(process.argv[2] ?? `audit-checkpoint-${checkpoint.seq}-${timestamp()}.json`);
    fs.writeFileSync(file, `${JSON.stringify(checkpoint, null, 2)}\n`, { flag: "wx" });
    console.log(`  Checkpoint of entry #${checkpoint.seq} (${checkpoint.hash}) written to ${file}.`);
    console.log("  Keep it somewhere this server cannot change: a ticket, a mail, another machine.");
    return 0;
  } finally {
    await db.$disconnect();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof DatabaseInUseError || error.cause instanceof DatabaseInUseError) {
      console.error(
        `  The server is using the embedded database (${error.message}).\n` +
          "  Download a checkpoint from Manage → Audit log in the app instead, or stop the server first.",
      );
    } else {
      console.error(`  No checkpoint was written: ${error.message}`);
    }
    process.exit(1);
  },
);
