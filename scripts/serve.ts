import { createServer } from "node:http";
import next from "next";
import { env } from "../server/env";

/**
 * Serves the built app. Next.js only fills X-Forwarded-For when the client did not send one, so a
 * remote browser could claim to be 127.0.0.1; here the header always carries the socket's address
 * unless TRUST_PROXY says a reverse proxy in front of the app sets it. Sign-in rate limits and the
 * first-run "same machine" check rely on it.
 */
export async function serve(dir: string) {
  const { PORT: port, HOSTNAME: hostname, TRUST_PROXY: trustProxy } = env();
  const app = next({ dev: false, dir, hostname, port });
  const handle = app.getRequestHandler();
  await app.prepare();

  const server = createServer((req, res) => {
    if (!trustProxy || !req.headers["x-forwarded-for"]) {
      req.headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
    }
    delete req.headers["x-real-ip"];
    void handle(req, res);
  });
  server.listen(port, hostname, () => {
    const shown = hostname === "0.0.0.0" ? "localhost" : hostname;
    console.log(`  Backup Monitor is ready on http://${shown}:${port}`);
  });

  const shutdown = (signal: string) => {
    console.log(`  ${signal} received, stopping…`);
    server.close();
    const db = (globalThis as { backupMonitorDb?: { $disconnect(): Promise<void> } }).backupMonitorDb;
    void (db?.$disconnect() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}
