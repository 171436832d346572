import path from "node:path";
import { injectManifest } from "workbox-build";

/**
 * Writes public/sw.js: the service worker source with the list of the build's assets, so the app shell,
 * its scripts, styles, icons and the barcode decoder load with no network after one online visit.
 */
export async function buildServiceWorker(root: string) {
  const { count, size, warnings } = await injectManifest({
    swSrc: path.join(root, "sw/service-worker.js"),
    swDest: path.join(root, "public/sw.js"),
    globDirectory: root,
    globPatterns: [".next/static/**/*.{js,css,woff2,wasm}", "public/**/*.{png,svg,wasm}"],
    maximumFileSizeToCacheInBytes: 15 * 1024 * 1024,
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
