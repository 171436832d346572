import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { writeLabelVideo } from "./fake-camera";

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
  /** The embedded database directory the app runs on. */
  dataDir: string;
  /** Ends every process of the app at once with SIGKILL, as a power cut would: no shutdown code runs. */
  kill: () => Promise<void>;
};

export type StartOptions = {
  /**
   * An existing embedded database directory to run on, e.g. to start again after a crash. The caller owns
   * it: `stop()` leaves it in place.
   */
  dataDir?: string;
  /** Further environment for the app, e.g. a PostgreSQL DATABASE_URL instead of the embedded database. */
  env?: Record<string, string>;
};

/**
 * Starts the app exactly as a user does (`npm start`: build if needed, migrate, serve) on a fresh
 * embedded database in a temporary directory, or on `options.dataDir`.
 */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const port = await freePort();
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "bm-e2e-"));
  let output = "";
  const child: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
    cwd: root,
    detached: true,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: `pglite:${dataDir}`,
      PORT: String(port),
      HOSTNAME: "0.0.0.0",
      ...options.env,
    },
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

  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  /** Signals the whole process group: killing only the parent would leave the server running. */
  async function end(signal: NodeJS.Signals) {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, signal);
      await exited;
    }
    // The server runs in a child of the one spawned here; wait until no process of the group is left.
    for (let waited = 0; groupAlive(child.pid!); waited += 50) {
      if (waited > 10_000)
        throw new Error(`Processes of the app (group ${child.pid}) are still running after ${signal}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  return {
    port,
    dataDir,
    url: (host = "localhost") => `http://${host}:${port}`,
    logs: () => output,
    kill: () => end("SIGKILL"),
    async stop() {
      await end("SIGTERM");
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function groupAlive(pgid: number) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
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

/**
 * Everything the browser refused under the app's Content-Security-Policy in this context, as its console
 * reports it: a test ends by expecting none, so the app is shown to work under its own policy.
 */
export function recordPolicyViolations(context: BrowserContext): string[] {
  const violations: string[] = [];
  context.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

/** Creates the first administrator through the setup page, from localhost (no setup code), and waits for the overview. */
export async function setUpFirstAdmin(
  page: Page,
  base: string,
  admin: { name: string; email: string; password: string },
) {
  await page.goto(base);
  await page.getByLabel("Full name").fill(admin.name);
  await page.getByLabel("Email").fill(admin.email);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Repeat password").fill(admin.password);
  await page.getByRole("button", { name: "Create administrator and sign in" }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe("/backup");
}

/** Signs in through the sign-in page (then going to `next`, if given) and waits until the app opened. */
export async function signIn(page: Page, base: string, user: { email: string; password: string }, next?: string) {
  await page.goto(`${base}/sign-in${next ? `?next=${encodeURIComponent(next)}` : ""}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).not.toBe("/sign-in");
}

/**
 * Calls a tRPC procedure with the session of whoever is signed in in the browser context, beside the page's
 * own network (so it works while the page is offline).
 */
export async function callTrpc<T = unknown>(
  context: BrowserContext,
  base: string,
  path: string,
  input: unknown,
  type: "query" | "mutation" = "query",
): Promise<T> {
  const url = `${base}/api/trpc/${path}`;
  const response =
    type === "query"
      ? await context.request.get(`${url}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`)
      : await context.request.post(url, { data: { json: input } });
  const body = await response.json();
  if (!response.ok()) throw new Error(`${path} answered ${response.status()}: ${JSON.stringify(body)}`);
  return body.result.data.json as T;
}

/** The notices (toasts) the page shows after an action. */
export function toastText(page: Page): Promise<string> {
  return page
    .locator("[data-sonner-toast]")
    .allTextContents()
    .then((texts) => texts.join("\n"));
}

export type CameraPhone = {
  app: RunningApp;
  base: string;
  context: BrowserContext;
  page: Page;
  /** Everything the browser refused under the app's Content-Security-Policy so far. */
  violations: string[];
  close: () => Promise<void>;
};

/**
 * The app started as a user does, and Chromium with a camera that films `label`, in a persistent profile
 * (Chromium reports an incognito-like context as not installable), the camera already allowed.
 */
export async function startCameraPhone(
  label: string,
  viewport: { width: number; height: number },
): Promise<CameraPhone> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "bm-camera-"));
  const video = writeLabelVideo(label, path.join(workDir, "label.y4m"));
  const [app, context] = await Promise.all([
    startApp(),
    chromium.launchPersistentContext(path.join(workDir, "profile"), {
      viewport,
      executablePath: CHROMIUM_PATH,
      args: chromiumArgs(fakeCameraArgs(video.file)),
    }),
  ]);
  const base = app.url();
  await context.grantPermissions(["camera"], { origin: base });
  const violations = recordPolicyViolations(context);
  const page = await context.newPage();
  return {
    app,
    base,
    context,
    page,
    violations,
    async close() {
      await context.close();
      await app.stop();
      fs.rmSync(workDir, { recursive: true, force: true });
    },
  };
}
