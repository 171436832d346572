/** Stands in for the app's own origin: only whether a target stays on it matters, not what it is. */
const OWN_ORIGIN = "https://backup-monitor.invalid";
const DEFAULT_PATH = "/backup";

/**
 * Where to go after signing in: the `next` parameter when it is a page of this app, else the overview.
 * Resolved the way the browser will resolve it, so "/\evil.com" (which browsers read as "//evil.com"),
 * "//evil.com" and "https://evil.com" all count as another origin and are refused.
 */
export function pathAfterSignIn(next: string | null): string {
  if (!next) return DEFAULT_PATH;
  const target = new URL(next, OWN_ORIGIN);
  if (target.origin !== OWN_ORIGIN) return DEFAULT_PATH;
  return `${target.pathname}${target.search}${target.hash}`;
}
