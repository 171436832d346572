import path from "node:path";
import { assertDatabaseFree } from "../server/db/pglite-lock";
import { env } from "../server/env";
import { build, isBuildCurrent } from "./build";
import { migrate } from "../server/db/migrate";
import { serve } from "./serve";

const root = path.resolve(__dirname, "..");

async function buildIfNeeded() {
  if (isBuildCurrent(root)) return;
  console.log("  Building Backup Monitor (first start or sources changed)…");
  await build(root);
}

async function main() {
  const config = env();
  if (config.DATABASE_URL.kind === "pglite") assertDatabaseFree(config.DATABASE_URL.dataDir);
  await buildIfNeeded();
  await migrate(root);
  await serve(root);
}

main().catch((error: Error) => {
  console.error(`\n  Backup Monitor could not start.\n  ${error.message.replaceAll("\n", "\n  ")}\n`);
  process.exit(1);
});
