/** Runs once when a server process starts: announce the first-run setup code while no user exists. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // With several server processes (scripts/serve.ts) only the first announces a code: each new code
  // replaces the one stored, so a second would make the first one printed useless.
  const { default: cluster } = await import("node:cluster");
  if (cluster.isWorker && cluster.worker?.id !== 1) return;
  const { getDb } = await import("./server/db");
  const { issueSetupCode } = await import("./server/setup/service");
  const code = await issueSetupCode(getDb());
  if (code) {
    console.log(
      `\n  Backup Monitor has no users yet. Open the app to create the first administrator.\n` +
        `  From a browser on another machine, enter this one-time setup code: ${code}\n`,
    );
  }
}
