import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { assertDatabaseFree } from "../server/db/pglite-lock";
import { env } from "../server/env";
import { build } from "./build";
import { migrate } from "../server/db/migrate";
import { serve } from "./serve";

const root = path.resolve(__dirname, "..");
const SOURCES = [
  "app",
  "server",
  "lib",
  "public",
  "sw",
  "prisma/schema.prisma",
  "instrumentation.ts",
  "proxy.ts",
  "next.config.js",
  "postcss.config.mjs",
  "tsconfig.json",
  "tsconfig.build.json",
  "package-lock.json",
];
const SKIP = new Set(["sw.js"]);

/** A digest of everything the build depends on, so `npm start` rebuilds exactly when the sources changed. */
function sourceDigest() {
  const hash = createHash("sha256");
  const visit = (file: string) => {
    const full = path.join(root, file);
    if (!fs.existsSync(full)) return;
    if (fs.statSync(full).isDirectory()) {
      for (const entry of fs.readdirSync(full).sort()) if (!SKIP.has(entry)) visit(path.join(file, entry));
    } else {
      hash.update(file).update(fs.readFileSync(full));
    }
  };
  SOURCES.forEach(visit);
  return hash.digest("hex");
}

async function buildIfNeeded() {
  const stamp = path.join(root, ".next", "source-digest");
  const digest = sourceDigest();
  if (
    fs.existsSync(path.join(root, ".next", "BUILD_ID")) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, "utf8") === digest
  ) {
    return;
  }
  console.log("  Building Backup Monitor (first start or sources changed)…");
  await build(root);
  fs.writeFileSync(stamp, digest);
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
