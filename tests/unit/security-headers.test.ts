import { describe, expect, test } from "vitest";
import { contentSecurityPolicy, isCrossSiteWrite, securityHeaders } from "../../server/http/security";

const post = (headers: Record<string, string>, url = "http://tapes.local:3000/api/trpc/tapes.register") =>
  new Request(url, { method: "POST", headers: { host: new URL(url).host, ...headers } });

describe("which writes are refused as cross-site", () => {
  test("a write from the app's own origin passes, one from any other origin is refused", () => {
    expect(isCrossSiteWrite(post({ origin: "http://tapes.local:3000" }), undefined)).toBe(false);
    expect(isCrossSiteWrite(post({ origin: "http://evil.example" }), undefined)).toBe(true);
    // Another port on the same host is the same *site* (cookies flow) but not the same origin.
    expect(isCrossSiteWrite(post({ origin: "http://tapes.local:4000" }), undefined)).toBe(true);
    expect(isCrossSiteWrite(post({ origin: "null" }), undefined)).toBe(true);
  });

  test("with a public address configured, only that origin may write", () => {
    const appUrl = "https://tapes.example.com";
    expect(isCrossSiteWrite(post({ origin: "https://tapes.example.com" }), appUrl)).toBe(false);
    expect(isCrossSiteWrite(post({ origin: "http://tapes.local:3000" }), appUrl)).toBe(true);
  });

  test("behind a proxy the forwarded protocol is part of the origin", () => {
    const request = post({ origin: "https://tapes.local:3000", "x-forwarded-proto": "https" });
    expect(isCrossSiteWrite(request, undefined)).toBe(false);
  });

  test("without Origin, the browser's Sec-Fetch-Site decides; a program sending neither is left to the session check", () => {
    expect(isCrossSiteWrite(post({ "sec-fetch-site": "cross-site" }), undefined)).toBe(true);
    expect(isCrossSiteWrite(post({ "sec-fetch-site": "same-site" }), undefined)).toBe(true);
    expect(isCrossSiteWrite(post({ "sec-fetch-site": "same-origin" }), undefined)).toBe(false);
    expect(isCrossSiteWrite(post({}), undefined)).toBe(false);
  });

  test("reads are never refused here", () => {
    const read = new Request("http://tapes.local:3000/backup", { headers: { origin: "http://evil.example" } });
    expect(isCrossSiteWrite(read, undefined)).toBe(false);
  });
});

describe("the content security policy", () => {
  const directives = (policy: string) =>
    new Map(policy.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

  test("scripts only with the nonce (and what they load), WebAssembly but no eval, no framing, no plugins", () => {
    const policy = directives(contentSecurityPolicy({ nonce: "abc123", dev: false, https: false }));
    expect(policy.get("script-src")).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'", "'wasm-unsafe-eval'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("default-src")).toEqual(["'self'"]);
    expect(policy.has("upgrade-insecure-requests")).toBe(false);
    expect([...policy.values()].flat()).not.toContain("'unsafe-eval'");
  });

  test("over HTTPS, requests are upgraded and browsers remember to use HTTPS", () => {
    expect(contentSecurityPolicy({ nonce: "n", dev: false, https: true })).toContain("upgrade-insecure-requests");
    expect(securityHeaders({ https: true })["Strict-Transport-Security"]).toMatch(/max-age=\d+/);
    expect(securityHeaders({ https: false })["Strict-Transport-Security"]).toBeUndefined();
  });

  test("the camera is allowed for the app's own origin only", () => {
    expect(securityHeaders({ https: false })["Permissions-Policy"]).toMatch(/(^|, )camera=\(self\)(,|$)/);
  });
});
