import { createHash } from "node:crypto";
import type { Viewer } from "../../lib/users";

/**
 * How long a session checked against the database is trusted for reads without checking again. Changes
 * made through this process (sign-out, deactivation, a new role or access level) take effect at once;
 * this bounds how late a change made elsewhere (another server process, SQL by hand) is seen.
 */
export const VIEWER_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

export type CheckedSession = { viewer: Viewer; token: string; expiresAt: Date };
/** Who a request's cookies prove, and by which session. */
export type SignedIn = Pick<CheckedSession, "viewer" | "token">;
type Entry = SignedIn & { until: number };
export type ForgottenChange = { userId: string } | { token: string };

/**
 * Signed-in viewers by the Cookie header that proved who they are. Checking a session costs four SQL
 * statements and most of a read's server time; a phone or a desk page sends many reads a minute with the
 * same cookies. Only what the auth library accepted is kept, so a header is trusted exactly as far as
 * its last full check.
 */
export class ViewerCache {
  readonly #entries = new Map<string, Entry>();
  /** Bumped by every forget: a check that started before one may have read what was just changed. */
  #generation = 0;

  constructor(
    private readonly ttlMs = VIEWER_TTL_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get size() {
    return this.#entries.size;
  }

  /** The viewer for these cookies: remembered, or checked by `check` (null: not signed in, never kept). */
  async resolve(cookie: string | null, check: () => Promise<CheckedSession | null>): Promise<SignedIn | null> {
    if (!cookie) return check();
    const key = createHash("sha256").update(cookie).digest("base64");
    const entry = this.#entries.get(key);
    if (entry && entry.until > this.now()) return { viewer: entry.viewer, token: entry.token };
    if (entry) this.#entries.delete(key);

    const generation = this.#generation;
    const checked = await check();
    if (checked && generation === this.#generation) {
      if (this.#entries.size >= MAX_ENTRIES) this.#evict();
      const until = Math.min(this.now() + this.ttlMs, checked.expiresAt.getTime());
      this.#entries.set(key, { viewer: checked.viewer, token: checked.token, until });
    }
    return checked;
  }

  /** Told of every change forgotten here, so the app's other server processes can forget it too. */
  onForget: ((change: ForgottenChange) => void) | undefined;

  /** After a user's role, access, name or active flag changed, or their sessions were deleted. */
  forgetUser(userId: string) {
    this.#forget({ userId });
  }

  /** After a session was deleted (sign-out, revocation), by its token. */
  forgetSession(token: string) {
    this.#forget({ token });
  }

  #forget(change: ForgottenChange) {
    this.forgetHere(change);
    this.onForget?.(change);
  }

  /** A change another server process made: forgotten in this one, not passed on again. */
  forgetHere(change: ForgottenChange) {
    this.#generation++;
    const matches =
      "userId" in change
        ? (entry: Entry) => entry.viewer.id === change.userId
        : (entry: Entry) => entry.token === change.token;
    for (const [key, entry] of this.#entries) if (matches(entry)) this.#entries.delete(key);
  }

  /** Expired entries first; if none, the oldest (a Map keeps insertion order). */
  #evict() {
    const now = this.now();
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
  }
}

// The tRPC endpoint may be loaded twice in one process (the app's own server and a Next.js route bundle);
// a change made through either must reach the one cache both read.
const globalForViewers = globalThis as unknown as { backupMonitorViewers?: ViewerCache };

export function viewerCache(): ViewerCache {
  globalForViewers.backupMonitorViewers ??= new ViewerCache();
  return globalForViewers.backupMonitorViewers;
}
