import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, test } from "vitest";
import { testDatabaseUrl } from "../helpers/database";

const root = path.resolve(__dirname, "../..");

describe.skipIf(testDatabaseUrl())("the demo data", () => {
  test("`npm run db:seed` fills a brand-new data directory, migrating it first", { timeout: 240_000 }, () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-seed-"));
    try {
      const result = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["prisma/seed.ts"], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: `pglite:${dataDir}` },
        encoding: "utf8",
      });
      expect(result.stderr + result.stdout).toContain("Demo data: 7 users and 6 cartridges added");
      expect(result.status).toBe(0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
