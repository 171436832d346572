import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import superjson from "superjson";
import { z } from "zod";

/** The built app served by its own process for the benchmarks that load it over HTTP (bench:api, bench:pages). */
const root = path.resolve(__dirname, "..");

/** The PostgreSQL server a served app's benchmark needs: the server and the benchmark both open the database. */
export const serverUrlOption = z
  .string({
    message: "set BENCH_DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5546/postgres",
  })
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export type Server = { base: string; pid: number; stop(): Promise<void> };

/** The built app in its own process group: next-server outlives a signal sent to the tsx process alone. */
export async function startServer(databaseUrl: string, port: number): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
  };
  // Default settings: the secret is generated into the database, no proxy in front.
  for (const name of ["AUTH_SECRET", "APP_URL", "TRUST_PROXY"]) delete env[name];
  const child: ChildProcess = spawn(path.join(root, "node_modules/.bin/tsx"), ["bench/api/serve.ts"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid!;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      resolve();
    }),
  );
  const stop = async () => {
    if (exited) return;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-pid, name);
      } catch {
        // The group is gone already.
      }
    };
    signal("SIGTERM");
    const killer = setTimeout(() => !exited && signal("SIGKILL"), 10_000);
    await exit;
    clearTimeout(killer);
  };
  process.once("SIGINT", () => void stop().finally(() => process.exit(130)));

  await new Promise<void>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error("The server did not start within 2 minutes")), 120_000);
    const relay = (stream: NodeJS.ReadableStream, to: NodeJS.WriteStream) => {
      let pending = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        pending += chunk;
        const lines = pending.split("\n");
        pending = lines.pop()!;
        for (const line of lines) {
          if (line.trim()) to.write(`  server | ${line}\n`);
          if (line.includes("is ready on")) {
            clearTimeout(timeout);
            resolve();
          }
        }
      });
    };
    relay(child.stdout!, process.stdout);
    relay(child.stderr!, process.stderr);
    void exit.then(() => {
      clearTimeout(timeout);
      reject(new Error("The server exited before it was ready (see its output above)"));
    });
  });
  return { base: `http://127.0.0.1:${port}`, pid, stop };
}

export async function callProcedure(base: string, procedure: string, input: unknown, cookie?: string) {
  const response = await fetch(`${base}/api/trpc/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie && { cookie }) },
    body: JSON.stringify(superjson.serialize(input)),
  });
  if (!response.ok) throw new Error(`${procedure} failed: ${response.status} ${await response.text()}`);
  return superjson.deserialize((await response.json()).result.data);
}

export async function signIn(base: string, user: { email: string; password: string }): Promise<string> {
  const response = await fetch(`${base}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (!response.ok) throw new Error(`Sign-in failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0]!)
    .join("; ");
  if (!cookie.includes("session_token")) throw new Error(`Sign-in set no session cookie: ${cookie}`);
  return cookie;
}
