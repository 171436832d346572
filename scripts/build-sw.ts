import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { injectManifest } from "workbox-build";
import { APP_SHELL_URL } from "../sw/cache-names";

/**
 * Writes public/sw.js: the service worker bundled with its Workbox modules, and the list of what it
 * precaches at install: the build's scripts, styles, icons and barcode decoder, and the app shell page, so
 * the field screens open with no network even on the first reload after one online visit.
 */
export async function buildServiceWorker(root: string) {
  const bundled = path.join(root, ".next/sw-bundle.js");
  await build({
    entryPoints: [path.join(root, "sw/service-worker.ts")],
    outfile: bundled,
    bundle: true,
    format: "iife",
    target: "es2022",
    minify: true,
    // Workbox logs every step unless told it runs in production.
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "warning",
  });
  // The shell's markup names the build's hashed files: each build is a new revision of it.
  const buildId = fs.readFileSync(path.join(root, ".next/BUILD_ID"), "utf8").trim();
  const { count, size, warnings } = await injectManifest({
    swSrc: bundled,
    swDest: path.join(root, "public/sw.js"),
    globDirectory: root,
    globPatterns: [".next/static/**/*.{js,css,woff2,wasm}", "public/**/*.{png,svg,wasm}"],
    maximumFileSizeToCacheInBytes: 15 * 1024 * 1024,
    additionalManifestEntries: [{ url: APP_SHELL_URL, revision: buildId }],
    // Next serves .next/static under /_next/static and public/ at the root.
    manifestTransforms: [
      async (entries) => ({
        manifest: entries.map((entry) => ({
          ...entry,
          url: entry.url.replace(/^\.next\/static\//, "/_next/static/").replace(/^public\//, "/"),
        })),
        warnings: [],
      }),
    ],
  });
  for (const warning of warnings) console.warn(`  service worker: ${warning}`);
  console.log(`  Service worker: ${count} files (${(size / 1024).toFixed(0)} KiB) precached`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildServiceWorker(process.cwd()).catch((error: Error) => {
    console.error(`  Building the service worker failed: ${error.message}`);
    process.exit(1);
  });
}
