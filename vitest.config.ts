import fs from "node:fs";
import path from "node:path";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";

const root = path.resolve(__dirname);

/**
 * The integration test files that replace a module with `vi.mock`: each needs a module registry of its own.
 * Every other integration file shares its worker's modules with the files before it (isolation off), which
 * spares importing the whole server again for each file, a quarter of the integration run's CPU time.
 */
const MOCKING_INTEGRATION_FILES = fs
  .readdirSync(path.join(root, "tests/integration"))
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => `tests/integration/${file}`)
  .filter((file) => /\bvi\.(do)?mock\(/.test(fs.readFileSync(path.join(root, file), "utf8")));

const integration = {
  include: ["tests/integration/**/*.test.ts"],
  environment: "node",
  // Builds the migrated database once; every test file then starts from a copy of it.
  globalSetup: ["tests/integration/global-setup.ts"],
  setupFiles: ["tests/helpers/password-hashes.ts"],
  testTimeout: 30_000,
  hookTimeout: 60_000,
} satisfies TestProjectInlineConfiguration["test"];

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    // Failed sign-ins are the point of some integration tests; better-auth warns about each one.
    onConsoleLog: (log) => !/Better Auth\]:.*(Invalid password|User not found)/.test(log),
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["tests/unit/**/*.test.ts"],
          environment: "node",
          // `npm test` runs the unit tests beside the integration tests and the build: a test that takes
          // 1 s alone can take several then. The limit is there to catch a hang, not to time anything.
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: { ...integration, name: "integration", exclude: MOCKING_INTEGRATION_FILES, isolate: false },
      },
      {
        extends: true,
        test: { ...integration, name: "integration-mocking", include: MOCKING_INTEGRATION_FILES },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.test.ts"],
          environment: "node",
          // Migrates one embedded database once; every app a test starts runs on a copy of it.
          globalSetup: ["tests/e2e/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          // A page waits on the server and the browser; on a loaded CI machine that takes more than a second.
          expect: { poll: { timeout: 15_000 } },
          // Each file starts the built app and a browser; one at a time keeps them from competing for ports and CPU.
          fileParallelism: false,
        },
      },
    ],
  },
});
