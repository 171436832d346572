/**
 * What every response says about how a browser may use it, and which requests may change data. Used by
 * the proxy (../../proxy.ts) on every page and API request, by the app's own server for the tRPC endpoint
 * it answers itself (./trpc-endpoint.ts), and by the auth library for its own origin check.
 */

/** The origin a request was addressed to, as the browser sees it (behind a proxy: its forwarded protocol). */
/** What the origin checks read of a request; a fetch Request has it, and so does the app's own server. */
export type RequestLine = Pick<Request, "method" | "url" | "headers">;

export function requestOrigin(request: RequestLine): string {
  const url = new URL(request.url);
  const protocol = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() ?? url.protocol.replace(":", "");
  return `${protocol}://${request.headers.get("host") ?? url.host}`;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A request that could change data and was not sent by the app's own pages: a form on another site
 * posting here, or another site's script. Browsers send Origin with every such request (and
 * Sec-Fetch-Site where they support it); a request with neither comes from a program, not from a page
 * a signed-in user was tricked into opening, so it is left to the usual session check.
 */
export function isCrossSiteWrite(request: RequestLine, appUrl: string | undefined): boolean {
  if (SAFE_METHODS.has(request.method)) return false;
  const origin = request.headers.get("origin");
  if (origin) return origin !== (appUrl ? new URL(appUrl).origin : requestOrigin(request));
  const site = request.headers.get("sec-fetch-site");
  return site === "cross-site" || site === "same-site";
}

export const CROSS_SITE_REFUSAL =
  "This request came from another site and was refused. Use Backup Monitor's own pages.";

export type PolicyOptions = { nonce: string; dev: boolean; https: boolean };

/**
 * Scripts run only from the page's own nonce (and what those scripts load); camera frames are
 * blob/mediastream URLs; nothing may frame the app. Styles allow inline style attributes, which charts
 * and the signature pad set. 'wasm-unsafe-eval' lets the scan decoder compile its WebAssembly (it allows
 * no JavaScript eval): Chromium runs the decoder's worker under the worker file's own policy and does not
 * need it, but browsers have differed on whether a worker inherits its page's policy, and a phone that
 * cannot scan is worse than this allowance.
 */
export function contentSecurityPolicy({ nonce, dev, https }: PolicyOptions): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic' 'wasm-unsafe-eval'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "media-src 'self' blob: mediastream:",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ];
  if (https) directives.push("upgrade-insecure-requests");
  return directives.join("; ");
}

/** For answers that are data, never a document: nothing in them may run, load or be framed. */
export const API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Headers that do not change per request. */
export function securityHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    "Referrer-Policy": "same-origin",
    // The camera for this origin only (the scan screen); nothing else a page could ask for.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    ...(https ? { "Strict-Transport-Security": "max-age=31536000" } : {}),
  };
}
