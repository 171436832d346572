import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildServiceWorker } from "./build-sw";

/** The production build: Next.js, then the service worker over what Next.js produced. */
export async function build(root: string) {
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("The build failed (see above)");
  await buildServiceWorker(root);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  build(process.cwd()).catch((error: Error) => {
    console.error(`  ${error.message}`);
    process.exit(1);
  });
}
