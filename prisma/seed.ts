import path from "node:path";
import { registerTapeSchema } from "../lib/tapes";
import type { Role } from "../lib/vocabulary";
import { createUser } from "../server/access/service";
import type { Actor } from "../server/audit/service";
import { createDb } from "../server/db";
import { env } from "../server/env";
import { registerTape } from "../server/tapes/service";
import { migrate } from "../server/db/migrate";

/** Demo data for trying the app. Idempotent: what already exists (same email, same barcode) is left as it is. */
export const DEMO_PASSWORD = "Demo-password-2026";

const USERS: { name: string; email: string; role: Role }[] = [
  { name: "Ana Admin", email: "admin@demo.test", role: "admin" },
  { name: "Sam Staff", email: "staff@demo.test", role: "staff" },
  { name: "Sid Staff", email: "staff2@demo.test", role: "staff" },
  { name: "Cora Courier", email: "courier@demo.test", role: "courier" },
  { name: "Carl Courier", email: "courier2@demo.test", role: "courier" },
  { name: "Kim Custodian", email: "custodian@demo.test", role: "custodian" },
  { name: "Kai Custodian", email: "custodian2@demo.test", role: "custodian" },
];

const TAPES = [
  { barcode: "DEM001L9", status: "in_use", tags: ["daily"] },
  { barcode: "DEM002L9", status: "full", tags: ["weekly"] },
  { barcode: "DEM003L8", status: "full", tags: ["monthly", "finance"] },
  { barcode: "DEM004L8", status: "empty", tags: [] },
  { barcode: "DEM005LZ", status: "full", tags: ["archive"] },
  { barcode: "CLN001L9", status: "in_use", tags: [] },
] as const;

async function main() {
  // A brand-new data directory has no tables yet: bring the schema up to date first, as `npm start` does.
  await migrate(path.resolve(__dirname, ".."));
  const db = createDb(env().DATABASE_URL);
  const actor: Actor = { id: null, name: "Demo data" };
  try {
    let users = 0;
    for (const user of USERS) {
      if (await db.user.findUnique({ where: { email: user.email } })) continue;
      await createUser(db, actor, { ...user, password: DEMO_PASSWORD });
      users++;
    }
    let tapes = 0;
    for (const tape of TAPES) {
      if (await db.backupTapeCartridge.findUnique({ where: { barcode: tape.barcode } })) continue;
      await registerTape(db, actor, registerTapeSchema.parse({ ...tape, tags: [...tape.tags] }));
      tapes++;
    }
    console.log(`  Demo data: ${users} users and ${tapes} cartridges added (existing ones left as they were).`);
    console.log(`  Demo users sign in with their email (e.g. ${USERS[0]!.email}) and the password ${DEMO_PASSWORD}`);
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`  Seeding failed: ${error.message}`);
  process.exit(1);
});
