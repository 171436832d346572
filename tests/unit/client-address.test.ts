import type { IncomingMessage } from "node:http";
import { describe, expect, test } from "vitest";
import {
  applyClientHeaders,
  CLIENT_ADDRESS_HEADER,
  isLoopback,
  isValidHost,
  parseTrustedProxies,
  proxySetupWarning,
  proxyTrust,
  resolveClient,
  SAME_MACHINE_HEADER,
} from "../../server/http/client-address";

// Only a browser on the server's own machine may create the first administrator without the setup code.
describe("isLoopback", () => {
  test.each([["127.0.0.1"], ["127.8.9.10"], ["::1"], ["::ffff:127.0.0.1"], ["::FFFF:127.0.0.1"]])(
    "%s is this machine",
    (ip) => {
      expect(isLoopback(ip)).toBe(true);
    },
  );

  test.each([
    [null],
    [""],
    ["203.0.113.9"],
    ["10.0.0.1"],
    ["128.0.0.1"],
    ["::ffff:10.0.0.1"],
    ["2001:db8::1"],
    ["localhost"],
    ["127.0.0.1.example.com"],
    ["127.0.0.1, 203.0.113.9"],
  ])("%j is not", (ip) => {
    expect(isLoopback(ip)).toBe(false);
  });
});

const request = (peer: string, headers: Record<string, string> = {}) =>
  ({ socket: { remoteAddress: peer }, headers: { ...headers } }) as unknown as IncomingMessage;

const resolve = (trusted: string, peer: string, headers: Record<string, string> = {}) =>
  resolveClient(request(peer, headers), proxyTrust(parseTrustedProxies(trusted)));

describe("the client behind proxies", () => {
  test("a browser on this machine, straight to the app, is this machine", () => {
    expect(resolve("0", "127.0.0.1")).toMatchObject({ address: "127.0.0.1", sameMachine: true });
    expect(resolve("0", "::ffff:127.0.0.1")).toMatchObject({ sameMachine: true });
  });

  test("behind an appending proxy on this machine (TRUST_PROXY=1), a forged leftmost 127.0.0.1 changes nothing", () => {
    // The browser at 203.0.113.9 sent X-Forwarded-For: 127.0.0.1; the proxy appended the address it saw.
    const client = resolve("1", "127.0.0.1", { "x-forwarded-for": "127.0.0.1, 203.0.113.9" });
    expect(client).toMatchObject({ address: "203.0.113.9", sameMachine: false, untrustedForwarding: false });
  });

  test("behind a proxy on this machine with TRUST_PROXY=0, the request is not taken for this machine's own", () => {
    const client = resolve("0", "127.0.0.1", { "x-forwarded-for": "203.0.113.9" });
    expect(client).toMatchObject({ address: "127.0.0.1", sameMachine: false, untrustedForwarding: true });
  });

  test("a browser on this machine through a proxy on this machine is this machine", () => {
    expect(resolve("1", "127.0.0.1", { "x-forwarded-for": "127.0.0.1" })).toMatchObject({
      address: "127.0.0.1",
      sameMachine: true,
    });
  });

  test("a remote browser claiming to be 127.0.0.1 is its socket's address, whatever is trusted", () => {
    for (const trusted of ["0", "1", "10.0.0.0/8"]) {
      expect(resolve(trusted, "203.0.113.9", { "x-forwarded-for": "127.0.0.1" })).toMatchObject({
        address: "203.0.113.9",
        sameMachine: false,
      });
    }
  });

  test("a chain of listed proxies is walked from the right to the first address that is not one", () => {
    const client = resolve("10.0.0.2, 192.168.1.0/24", "10.0.0.2", {
      "x-forwarded-for": "6.6.6.6, 198.51.100.7, 192.168.1.40",
    });
    expect(client).toMatchObject({ address: "198.51.100.7", viaTrustedProxy: true, sameMachine: false });
  });

  test("only the chosen address, the same-machine mark and a trusted proxy's X-Forwarded-Proto reach the app", () => {
    const forged = {
      "x-forwarded-for": "127.0.0.1",
      "x-forwarded-proto": "https",
      "x-forwarded-host": "evil.example",
      "x-real-ip": "127.0.0.1",
      [SAME_MACHINE_HEADER]: "1",
    };
    const direct = request("203.0.113.9", forged);
    applyClientHeaders(direct, resolveClient(direct, proxyTrust(["loopback"])));
    expect(direct.headers).toEqual({ [CLIENT_ADDRESS_HEADER]: "203.0.113.9" });

    const proxied = request("127.0.0.1", { "x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "https" });
    applyClientHeaders(proxied, resolveClient(proxied, proxyTrust(["loopback"])));
    expect(proxied.headers).toEqual({ [CLIENT_ADDRESS_HEADER]: "198.51.100.7", "x-forwarded-proto": "https" });
  });

  test("a proxy set-up without APP_URL is warned about at start; without a proxy nothing is said", () => {
    expect(proxySetupWarning(["loopback"], undefined)).toMatch(/TRUST_PROXY is set but APP_URL is not/);
    expect(proxySetupWarning(["loopback"], "https://tapes.example.com")).toBeNull();
    expect(proxySetupWarning([], undefined)).toBeNull();
  });
});

describe("isValidHost", () => {
  test.each([["localhost:3000"], ["tapes.example.com"], ["192.168.1.20:3000"], ["[::1]:3000"], ["Tapes.Example.com"]])(
    "%s is a host",
    (host) => expect(isValidHost(host)).toBe(true),
  );
  test.each([[undefined], [""], ["a b"], ["evil.com/path"], ["user@evil.com"], ["host:port"], ["x".repeat(300)]])(
    "%j is not",
    (host) => expect(isValidHost(host)).toBe(false),
  );
});
