import { createDb } from "../../server/db";
import { pushEvents } from "../../server/sync/service";
import { locationEvent, tapeRegisteredEvent } from "../factories/sync-events";

/**
 * Run by the durability test under strace: opens the embedded database in `argv[2]` as the app does,
 * pushes one batch as a phone would, and marks on stdout when the push starts and when it was
 * acknowledged, so the trace shows what reached the disk in between.
 */
async function main() {
  const db = createDb({ kind: "pglite", dataDir: process.argv[2]! });
  await db.$queryRaw`SELECT 1`;
  const barcode = "DUR001L9";
  process.stdout.write("MARK push\n");
  const results = await pushEvents(
    db,
    // Staff: the batch registers the cartridge it moves, which couriers may not.
    { id: "durability-test-staff", name: "Durability test", role: "staff", backupAccess: "write", approver: false },
    { deviceId: "strace-phone", events: [tapeRegisteredEvent(barcode), locationEvent(barcode)] },
  );
  process.stdout.write(`MARK acknowledged ${results.map((result) => result.status).join(",")}\n`);
  await db.$disconnect();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
