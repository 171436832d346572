/* Backup Monitor service worker. Bundled by scripts/build-sw.ts, which also fills in the list of the
   build's assets and the app shell below. */
import { ExpirationPlugin } from "workbox-expiration";
import { PrecacheController, PrecacheRoute, type PrecacheEntry } from "workbox-precaching";
import { NavigationRoute, registerRoute, Route } from "workbox-routing";
import { NetworkOnly, StaleWhileRevalidate } from "workbox-strategies";
import { APP_SHELL_URL, isAppCodeCache, STATIC_CACHE } from "./cache-names";

// The few parts of the service worker scope used here: the DOM library the project compiles with has none.
type ExtendableEvent = Event & { waitUntil(promise: Promise<unknown>): void };
declare const self: {
  __WB_MANIFEST: PrecacheEntry[];
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  addEventListener(type: "activate", listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
};

// A new version precaches its files beside the old ones, so pages of the running version keep finding their
// files until the user accepts the update; the old ones go once the new version is active.
const precache = new PrecacheController();
precache.precache(self.__WB_MANIFEST);

// A worker's location is the URL of the response that started it, and the bundler's worker entry reads its
// start-up parameters from the fragment of its own URL, which a cached response loses. That one small file
// is left to the browser's HTTP cache (Next.js serves it as immutable), which also works offline.
const precached = new PrecacheRoute(precache);
registerRoute(
  new Route((options) => options.request.destination !== "worker" && precached.match(options), precached.handler),
);

// Pages show one user's live data and are never cached: every page comes from the network, and when there
// is none (or it hangs) the precached shell answers, which runs the field screens from the device's own store.
const pages = new NetworkOnly({ networkTimeoutSeconds: 4 });
registerRoute(
  new NavigationRoute(
    async (options) => {
      try {
        return await pages.handle(options);
      } catch (error) {
        const shell = await precache.matchPrecache(APP_SHELL_URL);
        if (shell) return shell;
        throw error;
      }
    },
    // Files (exports, audit trails, an audit's report) are downloads: a slow one must not turn into the shell.
    { denylist: [/^\/api\//, /^\/backup\/export\//, /^\/backup\/audit\//, /^\/backup\/audits\/[^/]+\/report/] },
  ),
);

// Build files the precache does not list (those of the version a page still runs after an update, the web
// app manifest): shown at once from the cache and refreshed behind, a bounded number kept.
registerRoute(
  ({ url, request }) =>
    url.origin === location.origin && (url.pathname.startsWith("/_next/static/") || request.destination === "manifest"),
  new StaleWhileRevalidate({
    cacheName: STATIC_CACHE,
    plugins: [new ExpirationPlugin({ maxEntries: 100, maxAgeSeconds: 30 * 24 * 60 * 60, purgeOnQuotaError: true })],
  }),
);

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") void self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Earlier versions cached pages by path, whoever was signed in: nothing of them may outlive the update.
      for (const name of await caches.keys()) if (!isAppCodeCache(name)) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});
