import path from "node:path";
import { defineConfig } from "vitest/config";

const root = path.resolve(__dirname);

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
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          // Builds the migrated database once; every test file then starts from a copy of it.
          globalSetup: ["tests/integration/global-setup.ts"],
          setupFiles: ["tests/helpers/password-hashes.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
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
