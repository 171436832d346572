import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import proxyAddr from "proxy-addr";

/**
 * Who is on the other end of a request, decided once by the app's own server (scripts/serve.ts) from the
 * socket and the reverse proxies it trusts (TRUST_PROXY), and passed on in headers it alone writes: the
 * client's address (read by the tRPC context and by the auth library's rate limiter) and whether the
 * request came from this machine (the first-run setup needs no code then).
 */
export const CLIENT_ADDRESS_HEADER = "x-forwarded-for";
export const SAME_MACHINE_HEADER = "x-backup-monitor-same-machine";

/** What a trusted proxy may tell the app about the original request, and nobody else may. */
const PROXY_ONLY_HEADERS = ["x-forwarded-proto", "x-forwarded-host", "x-forwarded-port", "forwarded"] as const;

export type ProxyTrust = (address: string, hop: number) => boolean;

/** `proxy-addr`'s names for address ranges, usable in TRUST_PROXY besides addresses and CIDR ranges. */
const RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/**
 * TRUST_PROXY as the list of proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: unset or 0
 * for none, 1 for a proxy on this machine (what 1 meant before lists existed: nginx or Caddy beside the
 * app), or addresses and CIDR ranges separated by commas. Throws a message naming what is wrong.
 */
export function parseTrustedProxies(value: string | undefined): string[] {
  const text = value?.trim() ?? "";
  if (text === "" || text === "0" || text === "false") return [];
  if (text === "1" || text === "true") return ["loopback"];
  const entries = text.split(",").map((entry) => entry.trim());
  for (const entry of entries) {
    const [address, bits, extra] = entry.split("/");
    const validRange = bits === undefined || (/^\d{1,3}$/.test(bits) && extra === undefined);
    if (!RANGE_NAMES.has(entry) && (!address || isIP(address) === 0 || !validRange)) {
      throw new Error(`"${entry}" is not an IP address or CIDR range`);
    }
  }
  proxyAddr.compile(entries);
  return entries;
}

export function proxyTrust(trustedProxies: string[]): ProxyTrust {
  return proxyAddr.compile(trustedProxies);
}

export function isLoopback(ip: string | null): boolean {
  if (!ip) return false;
  const address = ip.toLowerCase().startsWith("::ffff:") ? ip.slice(7) : ip;
  if (isIP(address) === 4) return address.startsWith("127.");
  return address === "::1";
}

export type ClientAddress = {
  /** The socket's peer: the client itself, or the nearest proxy. */
  peer: string;
  /** The first address, from the right of the X-Forwarded-For chain, that is not a trusted proxy. */
  address: string;
  /** Every hop, the socket's and every address in X-Forwarded-For, is this machine. */
  sameMachine: boolean;
  /** The socket's peer is a trusted proxy, so its X-Forwarded-Proto and -Host stand. */
  viaTrustedProxy: boolean;
  /** The request carries X-Forwarded-For from a peer that is not trusted: a proxy missing from TRUST_PROXY, or a forgery. */
  untrustedForwarding: boolean;
};

export function resolveClient(request: IncomingMessage, trust: ProxyTrust): ClientAddress {
  const hops = proxyAddr.all(request);
  const peer = hops[0] ?? "";
  const viaTrustedProxy = trust(peer, 0);
  return {
    peer,
    address: proxyAddr(request, trust),
    sameMachine: hops.length > 0 && hops.every(isLoopback),
    viaTrustedProxy,
    untrustedForwarding: hops.length > 1 && !viaTrustedProxy,
  };
}

/**
 * Rewrites the request's headers so that everything after this point reads the client as decided here:
 * one address in X-Forwarded-For, the same-machine mark only when true, and the proxy-only headers only
 * when the peer is a trusted proxy. A client's own copies of any of them are dropped.
 */
export function applyClientHeaders(request: IncomingMessage, client: ClientAddress) {
  const headers = request.headers;
  headers[CLIENT_ADDRESS_HEADER] = client.address;
  delete headers["x-real-ip"];
  if (client.sameMachine) headers[SAME_MACHINE_HEADER] = "1";
  else delete headers[SAME_MACHINE_HEADER];
  if (!client.viaTrustedProxy) for (const name of PROXY_ONLY_HEADERS) delete headers[name];
}

/** The client as the tRPC context and route handlers read it from the headers written above. */
export function clientFromHeaders(headers: Headers): { address: string | null; sameMachine: boolean } {
  return {
    address: headers.get(CLIENT_ADDRESS_HEADER)?.trim() || null,
    sameMachine: headers.get(SAME_MACHINE_HEADER) === "1",
  };
}

/**
 * A `Host` header the app can build its own address from: a name or address with an optional port and
 * nothing else. Anything else (a space, a path, a user) is a malformed request, answered 400.
 */
export function isValidHost(host: string | undefined): host is string {
  if (!host || host.length > 255) return false;
  try {
    return new URL(`http://${host}`).host === host.toLowerCase().replace(/:80$/, "");
  } catch {
    return false;
  }
}

/** Said once at start-up: behind a proxy, only APP_URL tells the app its public address for certain. */
export function proxySetupWarning(trustedProxies: string[], appUrl: string | undefined): string | null {
  if (trustedProxies.length === 0 || appUrl) return null;
  return (
    "TRUST_PROXY is set but APP_URL is not: the app takes its public address from each request's Host and " +
    "its proxy's X-Forwarded-Proto, sends no Strict-Transport-Security and marks no cookie Secure. " +
    "Set APP_URL to the address users open, e.g. APP_URL=https://tapes.example.com."
  );
}

/** Said once per server process, on the first request that looks relayed by a proxy TRUST_PROXY does not list. */
export function untrustedForwardingWarning(peer: string): string {
  return (
    `A request from ${peer} carried X-Forwarded-For, but TRUST_PROXY does not list ${peer}, so the header was ` +
    `ignored. If ${peer} is a reverse proxy in front of the app, every client behind it now looks like ${peer}: ` +
    `one sign-in rate limit for all of them. Add it to TRUST_PROXY (1 for a proxy on this machine) and set APP_URL.`
  );
}
