import { Agent, createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  callTrpc,
  launchBrowser,
  recordPolicyViolations,
  signInAsFirstAdmin,
  startApp,
  type RunningApp,
} from "./harness";

const ADMIN = { name: "Sid Security", email: "sid@example.com", password: "correct-horse-42" };

let app: RunningApp;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let base: string;
let violations: string[] = [];
/** Another site on this machine: another port of localhost is the same *site* (cookies flow) but another origin. */
let elsewhere: Server;
let elsewhereUrl: string;
let elsewherePage = "";

beforeAll(async () => {
  [app, browser] = await Promise.all([startApp(), launchBrowser()]);
  base = app.url("localhost");
  elsewhere = createServer((_, response) =>
    response.writeHead(200, { "content-type": "text/html" }).end(elsewherePage),
  );
  await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
  elsewhereUrl = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
  context = await browser.newContext();
  violations = recordPolicyViolations(context);
  page = await context.newPage();
  await signInAsFirstAdmin(context, app, base, ADMIN);
});

afterAll(async () => {
  elsewhere?.close();
  await browser?.close();
  await app?.stop();
});

async function tapeCount(): Promise<number> {
  return (await callTrpc<{ tapes: number }>(context, base, "tapes.summary")).tapes;
}

describe("the app under attack from another site", () => {
  test("every page carries the security headers", async () => {
    for (const path of [
      "/sign-in",
      "/backup",
      "/backup/scan",
      "/backup/outbox",
      "/manage/access",
      "/manage/audit",
      "/no-such-page",
    ]) {
      const response = await page.request.get(`${base}${path}`, { maxRedirects: 0 });
      const headers = response.headers();
      expect(headers["content-security-policy"], path).toMatch(
        /script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/,
      );
      expect(headers["content-security-policy"], path).toContain("frame-ancestors 'none'");
      expect(headers["referrer-policy"], path).toBe("same-origin");
      expect(headers["permissions-policy"], path).toContain("camera=(self)");
      expect(headers["x-frame-options"], path).toBe("DENY");
    }
    // A fresh nonce for every response.
    const nonce = async () =>
      (await page.request.get(`${base}/backup`)).headers()["content-security-policy"]!.match(/'nonce-([^']+)'/)![1];
    expect(await nonce()).not.toBe(await nonce());
  });

  test("build files under /_next/static carry the headers that apply to them", async () => {
    const html = await (await page.request.get(`${base}/sign-in`)).text();
    const asset = html.match(/\/_next\/static\/[^"']+\.js/)?.[0];
    expect(asset).toBeDefined();
    const headers = (await page.request.get(`${base}${asset}`)).headers();
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["x-frame-options"]).toBe("DENY");
  });

  test("API answers carry the headers too, with a policy that lets nothing in them run", async () => {
    const response = await page.request.get(
      `${base}/api/trpc/tapes.summary?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`,
    );
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["referrer-policy"]).toBe("same-origin");
    expect(headers["x-content-type-options"]).toBe("nosniff");
  });

  test("the session cookie cannot be read by scripts and is not sent with other sites' requests", async () => {
    const cookie = (await context.cookies(base)).find((c) => c.name.includes("session_token"));
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    await page.goto(`${base}/backup`);
    expect(await page.evaluate(() => document.cookie)).not.toContain("session_token");
  });

  test("a form on another site posting to the app changes nothing", async () => {
    const before = await tapeCount();
    elsewherePage = `<form method="post" action="${base}/api/trpc/tapes.register" enctype="text/plain">
      <input name='{"json":{"barcode":"EVL001L9","x":"' value='"}}'><button>Win a prize</button></form>`;
    const other = await context.newPage();
    await other.goto(elsewhereUrl);
    const [response] = await Promise.all([
      other.waitForResponse(`${base}/api/trpc/tapes.register`),
      other.getByRole("button").click(),
    ]);
    expect(response.status()).toBe(403);
    expect(await other.textContent("body")).toContain("came from another site and was refused");
    await other.close();
    expect(await tapeCount()).toBe(before);
  });

  test("another site's script cannot write with the user's cookie either", async () => {
    const before = await tapeCount();
    elsewherePage = `<script>
      fetch("${base}/api/trpc/tapes.register", { method: "POST", mode: "no-cors", credentials: "include",
        headers: { "content-type": "text/plain" }, body: JSON.stringify({ json: { barcode: "EVL002L9" } }) })
        .then(() => (document.title = "sent"), () => (document.title = "failed"));
    </script>`;
    const other = await context.newPage();
    const refused = other.waitForResponse(`${base}/api/trpc/tapes.register`);
    await other.goto(elsewhereUrl);
    expect((await refused).status()).toBe(403);
    await other.close();
    expect(await tapeCount()).toBe(before);
  });

  test("the app cannot be framed by another site", async () => {
    elsewherePage = `<iframe id="app" src="${base}/backup" width="800" height="600"></iframe>`;
    const other = await context.newPage();
    const blocked = new Promise<string>((resolve) =>
      other.on("console", (message) => {
        if (/frame-ancestors/.test(message.text())) resolve(message.text());
      }),
    );
    await other.goto(elsewhereUrl);
    expect(await blocked).toContain("frame-ancestors 'none'");
    const frame = other.frames().find((f) => f !== other.mainFrame());
    expect(await frame?.locator("text=Backup Monitor").count()).toBe(0);
    await other.close();
  });

  test("the app's own pages write normally, and no page broke the policy", async () => {
    const before = await tapeCount();
    await page.goto(`${base}/backup/tapes/new`);
    await page.getByLabel("Barcode label").fill("OWN001L9");
    await page.getByRole("button", { name: "Register cartridge" }).click();
    await expect.poll(() => tapeCount(), { timeout: 15_000 }).toBe(before + 1);
    // The framing refusal above is the other site's console, reported in its own page; the app's pages have none.
    expect(violations.filter((text) => !text.includes("frame-ancestors"))).toEqual([]);
  });
});

describe("connections", () => {
  test("a keep-alive connection left idle for longer than Node's default 5 s is still served", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const fetchOnAgent = () =>
      new Promise<{ status: number; socket: object }>((resolve, reject) => {
        const request = get(`${base}/sign-in`, { agent }, (response) => {
          response.resume();
          response.on("end", () => resolve({ status: response.statusCode!, socket: request.socket! }));
        });
        request.on("error", reject);
      });
    try {
      const first = await fetchOnAgent();
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const second = await fetchOnAgent();
      expect([first.status, second.status]).toEqual([200, 200]);
      // The server did not close it meanwhile: a client reusing it then would have had its request reset.
      expect(second.socket).toBe(first.socket);
    } finally {
      agent.destroy();
    }
  });
});
