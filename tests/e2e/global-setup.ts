import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { PGLITE_LOCK_FILE } from "../../server/db/pglite-lock";

declare module "vitest" {
  export interface ProvidedContext {
    /** An embedded data directory migrated by the app's own migrator, for each app started in a test to copy. */
    migratedDataDir: string;
  }
}

const root = path.resolve(__dirname, "../..");

/**
 * Migrating a new embedded database takes most of an app's start (about 20 of 25 s). Migrate one here, once,
 * exactly as the app does (`npm run db:migrate`, so Prisma's bookkeeping is there too); each app a test starts
 * runs on a copy of it, where `npm start` finds nothing to apply. Tests of a first start on an empty directory
 * give one of their own (`startApp({ dataDir })`).
 */
export default async function setup(project: TestProject) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-e2e-template-"));
  const dataDir = path.join(dir, "data");
  let output = "";
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/migrate.ts"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: `pglite:${dataDir}` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`Migrating the embedded database for the end-to-end tests failed:\n${output}`);
  // A lock left here would travel with every copy; the migrator releases it when it ends.
  if (fs.existsSync(path.join(dataDir, PGLITE_LOCK_FILE)))
    throw new Error(`The migrated database at ${dataDir} is still locked:\n${output}`);
  project.provide("migratedDataDir", dataDir);

  return () => fs.rmSync(dir, { recursive: true, force: true });
}
