import { spawnSync } from "node:child_process";

/**
 * Runs the integration tests against a real PostgreSQL server when TEST_DATABASE_URL names one (each
 * test file creates and drops its own database there); without it there is nothing to run against.
 */
const url = process.env.TEST_DATABASE_URL?.trim();
if (!url) {
  console.log(
    "PostgreSQL integration run skipped: set TEST_DATABASE_URL=postgres://user@host:port/postgres " +
      "(a server where that user may create databases) to run the integration tests against it.",
  );
  process.exit(0);
}

// Arguments are vitest's, e.g. `npm run test:integration:pg -- --maxWorkers=2 tests/integration/jobs.test.ts`.
const result = spawnSync("npx", ["vitest", "run", "--project", "integration*", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, TEST_DATABASE_URL: url },
});
if (result.error) throw result.error;
process.exit(result.status ?? 1);
