import type { QueryClient } from "@tanstack/react-query";
import { isAppCodeCache } from "@/sw/cache-names";
import type { FieldSync } from "./field-engine";

const SESSION_CHANNEL = "backup-monitor-session";
const SIGNED_OUT = "signed-out";

/**
 * Ends the session on the server, then leaves nothing of the user on the device but the events still
 * waiting for them (which stay bound to them): the cached server data, the offline catalogue, and any
 * cached page. Other tabs of the app leave too. Throws, changing nothing, when the server cannot be reached:
 * a session that was not ended would still open the app for the next person.
 */
export async function signOut({ sync, queryClient }: { sync: FieldSync | null; queryClient: QueryClient }) {
  // No push may run while the session changes hands.
  sync?.engine.stop();
  await sync?.engine.idle();
  let response: Response | null = null;
  try {
    response = await fetch("/api/auth/sign-out", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
  } catch {
    // Answered below.
  }
  // A 4xx means there was no session left to end.
  if (!response || response.status >= 500) {
    void sync?.engine.start();
    throw new Error(
      response
        ? "The server could not sign you out. Try again."
        : "Signing out needs a connection to the server. Try again when you are online.",
    );
  }
  queryClient.clear();
  // Loaded only now: every page's shell offers sign-out, and the outbox (Dexie, the event schemas) is not
  // to be part of any page's first load.
  const [{ releaseDevice }, { SyncDb }] = await Promise.all([import("./device-user"), import("./outbox")]);
  const db = sync?.db ?? new SyncDb();
  await releaseDevice(db);
  if (!sync) db.close();
  if ("caches" in window) {
    for (const name of await caches.keys()) if (!isAppCodeCache(name)) await caches.delete(name);
  }
  if ("BroadcastChannel" in window) {
    const channel = new BroadcastChannel(SESSION_CHANNEL);
    channel.postMessage(SIGNED_OUT);
    channel.close();
  }
}

/** Calls `onSignedOut` when the user signs out in another tab; returns the function that stops listening. */
export function onSignOutElsewhere(onSignedOut: () => void): () => void {
  if (!("BroadcastChannel" in window)) return () => {};
  const channel = new BroadcastChannel(SESSION_CHANNEL);
  channel.onmessage = (event) => {
    if (event.data === SIGNED_OUT) onSignedOut();
  };
  return () => channel.close();
}
