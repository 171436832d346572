import cluster, { type Worker } from "node:cluster";
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { viewerCache, type ForgottenChange } from "../server/auth/viewer-cache";
import { getDb } from "../server/db";
import { env, serverProcesses } from "../server/env";
import { createAppRequestHandler } from "../server/http/app-server";
import { proxySetupWarning } from "../server/http/client-address";
import { startDigestScheduler } from "../server/reminders/scheduler";

type WorkerMessage = { ready: true } | { viewerForgotten: ForgottenChange };

const readyLine = () => {
  const { HOSTNAME: hostname, PORT: port } = env();
  return `Backup Monitor is ready on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`;
};

/**
 * Serves the built app: in this process, or on PostgreSQL in one process per core (WEB_CONCURRENCY), all
 * listening on the one port. A Node.js process runs the app's code on one core, and the server's work
 * per request (HTTP, tRPC, Prisma) is CPU, not waiting for the database.
 */
export async function serve(dir: string) {
  const config = env();
  const warning = proxySetupWarning(config.TRUST_PROXY, config.APP_URL);
  if (warning) console.warn(`  ${warning}`);
  const processes = serverProcesses(config);
  if (processes === 1) {
    await serveHere(dir);
    console.log(`  ${readyLine()}`);
    return;
  }
  cluster.setupPrimary({ exec: path.join(__dirname, "serve-worker.ts") });
  superviseWorkers(processes);
}

/**
 * One server process. Every request first goes through the app's own handler (server/http/app-server.ts),
 * which decides the client's address from the socket and the proxies TRUST_PROXY lists (sign-in rate
 * limits and the first-run "same machine" check rely on it) and answers the tRPC endpoint before Next.js.
 */
export async function serveHere(dir: string) {
  const { PORT: port, HOSTNAME: hostname, TRUST_PROXY: trustedProxies, APP_URL: appUrl } = env();
  const app = next({ dev: false, dir, hostname, port });
  await app.prepare();

  const server = createServer(createAppRequestHandler({ trustedProxies, appUrl, next: app.getRequestHandler() }));
  // Node closes a connection idle for 5 s; a client or reverse proxy that reuses it just then gets its request
  // reset. Kept for longer than common proxies keep theirs (nginx: 60 s), the proxy is the one that closes it.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(port, hostname, resolve));
  // Every process runs it: a digest is claimed before it is sent, so each goes once whoever sends it.
  const digests = startDigestScheduler(getDb(), env());

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    if (cluster.isPrimary) console.log(`  ${signal} received, stopping…`);
    server.close();
    const db = (globalThis as { backupMonitorDb?: { $disconnect(): Promise<void> } }).backupMonitorDb;
    void Promise.resolve(digests?.stop())
      .then(() => db?.$disconnect())
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

/** In a worker: tells the other processes of every session or user this one forgot, and hears theirs. */
export function shareForgottenViewers() {
  const viewers = viewerCache();
  viewers.onForget = (change) => process.send?.({ viewerForgotten: change } satisfies WorkerMessage);
  process.on("message", (message: WorkerMessage) => {
    if ("viewerForgotten" in message) viewers.forgetHere(message.viewerForgotten);
  });
}

/**
 * Starts the workers and keeps them running: one that dies is replaced, except while starting, where a
 * failure (a wrong setting, a port in use) would only repeat; then everything stops with its message.
 */
function superviseWorkers(processes: number) {
  let stopping = false;
  let starting = processes;
  const workers = new Set<Worker>();

  const start = () => {
    const worker = cluster.fork();
    let ready = false;
    workers.add(worker);
    worker.on("message", (message: WorkerMessage) => {
      if ("ready" in message) {
        ready = true;
        if (--starting === 0) console.log(`  ${readyLine()} (${processes} server processes)`);
      } else {
        for (const other of workers) if (other !== worker && other.isConnected()) other.send(message);
      }
    });
    worker.on("exit", (code, signal) => {
      workers.delete(worker);
      if (stopping) {
        if (workers.size === 0) process.exit();
        return;
      }
      if (!ready) {
        console.error(`  A server process failed while starting (${signal ?? `exit code ${code}`}); stopping.`);
        stop("failure", 1);
        return;
      }
      console.error(`  A server process stopped (${signal ?? `exit code ${code}`}); starting another.`);
      start();
    });
  };

  const stop = (reason: string, exitCode = 0) => {
    if (stopping) return;
    stopping = true;
    if (reason !== "failure") console.log(`  ${reason} received, stopping…`);
    if (workers.size === 0) process.exit(exitCode);
    process.exitCode = exitCode;
    for (const worker of workers) worker.process.kill("SIGTERM");
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));

  for (let n = 0; n < processes; n++) start();
}
