import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { buildServiceWorker } from "./build-sw";

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
function sourceDigest(root: string) {
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

const stampOf = (root: string) => path.join(root, ".next", "source-digest");

/** Whether the last build was made from the sources as they are now. */
export function isBuildCurrent(root: string): boolean {
  const stamp = stampOf(root);
  return (
    fs.existsSync(path.join(root, ".next", "BUILD_ID")) &&
    fs.existsSync(stamp) &&
    fs.readFileSync(stamp, "utf8") === sourceDigest(root)
  );
}

/**
 * The production build: Next.js, then the service worker over what Next.js produced. It records the digest of
 * the sources it was built from (taken before, so an edit during the build makes the next start rebuild).
 */
export async function build(root: string) {
  const digest = sourceDigest(root);
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("The build failed (see above)");
  await buildServiceWorker(root);
  fs.writeFileSync(stampOf(root), digest);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build(process.cwd()).catch((error: Error) => {
    console.error(`  ${error.message}`);
    process.exit(1);
  });
}
