import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium, type APIRequestContext, type BrowserContext, type Page } from "playwright-core";
import superjson, { type SuperJSONResult } from "superjson";
import { expect, inject } from "vitest";
import type { Role } from "../../lib/vocabulary";
import { CHROMIUM_PATH, chromiumArgs, fakeCameraArgs, launchBrowser } from "./browser";
import { writeLabelVideo } from "./fake-camera";

export { CHROMIUM_PATH, chromiumArgs, fakeCameraArgs, launchBrowser };

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
   * An existing embedded database directory to run on, as it is: empty for a first start (`npm start` then
   * migrates it), or e.g. to start again after a crash. The caller owns it: `stop()` leaves it in place.
   * Without it the app starts on a copy of the database the end-to-end global setup migrated once.
   */
  dataDir?: string;
  /** Further environment for the app, e.g. a PostgreSQL DATABASE_URL instead of the embedded database. */
  env?: Record<string, string>;
};

/**
 * Starts the app exactly as a user does (`npm start`: build if needed, migrate, serve) in a temporary
 * directory on a new embedded database with every migration already applied, or on `options.dataDir`.
 */
export async function startApp(options: StartOptions = {}): Promise<RunningApp> {
  const port = await freePort();
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "bm-e2e-"));
  if (ownsDataDir && !options.env?.DATABASE_URL) {
    fs.cpSync(inject("migratedDataDir"), dataDir, { recursive: true });
  }
  let output = "";
  // As `npm start` runs it: one Node process with tsx as its loader, so a signal reaches the server itself.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
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

  // A fresh server loads the app's code on its first request, which on a busy machine can take longer than a
  // test's page load may: made here, that wait is part of starting.
  await (await fetch(`http://127.0.0.1:${port}/sign-in`)).arrayBuffer();

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

/** Who a call is made as: a browser context (the session signed in there) or a client of its own, with its own cookies. */
export type HttpClient = BrowserContext | APIRequestContext;

const requestsOf = (client: HttpClient): APIRequestContext => ("newPage" in client ? client.request : client);

/** What the tRPC endpoint answered, as it sent it (superjson inside). */
export type TrpcAnswer = {
  status: number;
  body: {
    result?: { data: SuperJSONResult };
    error?: { json: { message: string; data: { code: string; httpStatus: number } } };
  };
};

/**
 * Sends a tRPC call as the app's own client does (superjson), with the cookies of `client`, beside any page's
 * own network (so it works while the page is offline), and returns the answer whatever its status.
 */
export async function sendTrpc(
  client: HttpClient,
  base: string,
  path: string,
  input?: unknown,
  type: "query" | "mutation" = "query",
): Promise<TrpcAnswer> {
  const url = `${base}/api/trpc/${path}`;
  const requests = requestsOf(client);
  // No time limit of its own (Playwright's is 30 s): a test's own timeout bounds it, as it bounds the page's calls.
  const response =
    type === "query"
      ? await requests.get(`${url}?input=${encodeURIComponent(superjson.stringify(input))}`, { timeout: 0 })
      : await requests.post(url, { data: superjson.serialize(input), timeout: 0 });
  return { status: response.status(), body: await response.json() };
}

/** A tRPC call as {@link sendTrpc} makes it: its result, or a {@link TrpcRefusal} naming the procedure and the answer. */
export async function callTrpc<T = unknown>(
  client: HttpClient,
  base: string,
  path: string,
  input?: unknown,
  type: "query" | "mutation" = "query",
): Promise<T> {
  const { status, body } = await sendTrpc(client, base, path, input, type);
  if (!body.result) throw new TrpcRefusal(path, status, body.error?.json.message ?? JSON.stringify(body));
  return superjson.deserialize<T>(body.result.data);
}

/** The server answered a call with an error (as opposed to not answering at all). */
export class TrpcRefusal extends Error {
  constructor(
    path: string,
    readonly status: number,
    reason: string,
  ) {
    super(`${path} answered ${status}: ${reason}`);
  }
}

/** Signs `client` in through the sign-in endpoint the sign-in page posts to; its cookies then carry the session. */
export async function signInOverHttp(client: HttpClient, base: string, user: { email: string; password: string }) {
  const response = await requestsOf(client).post(`${base}/api/auth/sign-in/email`, {
    headers: { origin: base },
    data: { email: user.email, password: user.password },
    timeout: 0,
  });
  if (!response.ok())
    throw new Error(`Signing in ${user.email} answered ${response.status()}: ${await response.text()}`);
}

/**
 * The first administrator, created from this machine (no setup code) unless the install already has users,
 * then signed in on `client` at `base` unless it is already: what a test needs before it acts as an administrator.
 */
export async function signInAsFirstAdmin(
  client: HttpClient,
  app: RunningApp,
  base: string,
  admin: { name: string; email: string; password: string },
) {
  const local = app.url("127.0.0.1");
  if ((await callTrpc<{ needsSetup: boolean }>(client, local, "setup.status")).needsSetup) {
    await callTrpc(client, local, "setup.createFirstAdmin", admin, "mutation");
  }
  const me = await sendTrpc(client, base, "access.me");
  if (me.body.result && superjson.deserialize<{ email: string }>(me.body.result.data).email === admin.email) return;
  await signInOverHttp(client, base, admin);
}

/** The cartridge with this barcode, registered (with `details`) unless it already is: its id. */
export async function registeredTape(
  client: HttpClient,
  base: string,
  barcode: string,
  details: Record<string, unknown> = {},
): Promise<string> {
  const found = await callTrpc<{ id: string } | null>(client, base, "tapes.byBarcode", { barcode });
  if (found) return found.id;
  return (await callTrpc<{ id: string }>(client, base, "tapes.register", { barcode, ...details }, "mutation")).id;
}

/** The user with this email, added with `role` by the administrator signed in on `client` unless they exist: their id. */
export async function existingUser(
  client: HttpClient,
  base: string,
  user: { name: string; email: string; password: string },
  role: Role,
): Promise<string> {
  const users = await callTrpc<{ id: string; email: string }[]>(client, base, "access.listUsers");
  const found = users.find((existing) => existing.email === user.email);
  if (found) return found.id;
  return (await callTrpc<{ id: string }>(client, base, "access.createUser", { ...user, role }, "mutation")).id;
}

/**
 * Waits until the service worker controls `page`, so it reloads offline. The load that installed the worker
 * is not always controlled by it (its claim can come after the page settled, later on a busy machine); a
 * reload is.
 */
export async function untilControlled(page: Page) {
  const controlled = () => page.evaluate(() => navigator.serviceWorker.controller !== null);
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await controlled())) await page.reload();
  await expect.poll(controlled).toBe(true);
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
  // A page's first render on a loaded machine can outlast Playwright's 30 s default.
  page.setDefaultTimeout(90_000);
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
