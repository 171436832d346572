/**
 * First-load JavaScript of a page from the production build: the root chunks every page loads
 * (`rootMainFiles`) plus the chunks the page's client reference manifest lists for its entry, gzipped
 * at level 9 as a server or CDN would send them. Run `npm run build` first.
 *
 *   npm run bench:first-load                       # /backup/scan
 *   npm run bench:first-load -- "(app)/backup/page" --verbose
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import vm from "node:vm";

const args = process.argv.slice(2);
const verbose = args.includes("--verbose");
const page = args.find((a) => !a.startsWith("--")) ?? "(app)/backup/scan/page";
const next = join(process.cwd(), ".next");

const buildManifest = JSON.parse(readFileSync(join(next, "build-manifest.json"), "utf8")) as {
  rootMainFiles: string[];
};

function pageChunks(pagePath: string): string[] {
  const file = join(next, "server/app", `${pagePath}_client-reference-manifest.js`);
  const sandbox = { globalThis: {} as Record<string, unknown> };
  vm.runInNewContext(readFileSync(file, "utf8"), sandbox);
  const manifests = sandbox.globalThis.__RSC_MANIFEST as Record<string, { entryJSFiles: Record<string, string[]> }>;
  const manifest = Object.values(manifests)[0];
  if (!manifest) throw new Error(`No client reference manifest in ${file}`);
  const entry = Object.entries(manifest.entryJSFiles).find(([key]) => key.endsWith(`/app/${pagePath}`));
  if (!entry) throw new Error(`No entry for ${pagePath} in ${file}`);
  return entry[1];
}

const files = [...new Set([...buildManifest.rootMainFiles, ...pageChunks(page)])];
const rows = files.map((file) => {
  const raw = readFileSync(join(next, file));
  return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
});

const kib = (bytes: number) => (bytes / 1024).toFixed(1);
if (verbose) {
  for (const row of rows.sort((a, b) => b.gzip - a.gzip)) {
    console.log(`${kib(row.gzip).padStart(7)} KiB gzip ${kib(row.raw).padStart(7)} KiB raw  ${row.file}`);
  }
}
const raw = rows.reduce((sum, r) => sum + r.raw, 0);
const gzip = rows.reduce((sum, r) => sum + r.gzip, 0);
console.log(
  `/${page.replace(/\/page$/, "").replace(/\([^)]*\)\//g, "")}: ${rows.length} files, ${kib(raw)} KiB raw, ${kib(gzip)} KiB (${(gzip / 1000).toFixed(1)} kB) gzip`,
);
