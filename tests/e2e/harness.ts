import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

const root = path.resolve(__dirname, "../..");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** An address of this machine that is not loopback, so the server sees the browser as another machine. */
export function externalAddress(): string | null {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === "IPv4" && !address.internal) return address.address;
  }
  return null;
}

export type RunningApp = {
  port: number;
  url: (host?: string) => string;
  logs: () => string;
  stop: () => Promise<void>;
};

/**
 * Starts the app exactly as a user does (`npm start`: build if needed, migrate, serve) on a fresh
 * embedded database in a temporary directory.
 */
export async function startApp(): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-e2e-"));
  let output = "";
  const child: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
    cwd: root,
    detached: true,
    env: { ...process.env, NODE_ENV: "production", DATABASE_URL: `pglite:${dataDir}`, PORT: String(port), HOSTNAME: "0.0.0.0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));

  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("is ready on")) {
        clearInterval(timer);
        resolve();
      }
    }, 200);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`The app exited with ${code} before it was ready:\n${output}`));
    });
  });

  return {
    port,
    url: (host = "localhost") => `http://${host}:${port}`,
    logs: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      // The whole process group: killing only the parent would leave the server running.
      process.kill(-child.pid!, "SIGTERM");
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Debian Chromium that makes no connections of its own (the machine has no internet). */
export function chromiumArgs(extra: string[] = []): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    ...extra,
  ];
}

/** Chromium's camera replaced by a Y4M video, with the permission prompt answered yes. */
export const fakeCameraArgs = (videoFile: string) => [
  "--use-fake-ui-for-media-stream",
  "--use-fake-device-for-media-stream",
  `--use-file-for-fake-video-capture=${videoFile}`,
];

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: chromiumArgs(extraArgs) });
}
