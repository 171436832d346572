/* Backup Monitor service worker. Built into public/sw.js by scripts/build-sw.ts, which fills in the
   list of the build's hashed assets below. */

const PRECACHE = "precache-v1";
const PAGES = "pages-v1";
const OFFLINE_PAGES = ["/backup/scan", "/backup/outbox"];

// Path → cache key. Hashed build files are their own version; other files (icons, the decoder) carry
// their content revision in the key, so a changed file is fetched again.
const cacheKeys = new Map(
  self.__WB_MANIFEST.map((entry) => [entry.url, entry.revision ? `${entry.url}?__rev=${entry.revision}` : entry.url]),
);

// A new version adds its own keys beside the old ones, so pages of the running version keep finding their
// files until the user accepts the update.
self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(PRECACHE).then(async (cache) => {
      const cached = new Set(
        (await cache.keys()).map((request) => new URL(request.url).pathname + new URL(request.url).search),
      );
      const missing = [...cacheKeys.values()].filter((key) => !cached.has(key));
      await cache.addAll(missing);
    }),
  );
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

// Once the new version controls the pages, assets no longer listed are dropped.
self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(PRECACHE);
      const current = new Set(cacheKeys.values());
      for (const request of await cache.keys()) {
        const url = new URL(request.url);
        if (!current.has(url.pathname + url.search)) await cache.delete(request);
      }
      await self.clients.claim();
    })(),
  );
});

function isPage(request) {
  return request.mode === "navigate" || request.headers.get("RSC") === "1";
}

/** Pages: the network first (they show live data); the last copy when offline or the network hangs. */
async function pageFromNetworkOrCache(request) {
  const cache = await caches.open(PAGES);
  const key = new URL(request.url);
  const isRsc = request.headers.get("RSC") === "1";
  const cacheKey = `${key.pathname}${isRsc ? "?rsc" : ""}`;
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 4000)),
    ]);
    if (response.ok && !response.redirected) await cache.put(cacheKey, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    if (!isRsc) {
      const fallback = await cache.match("/backup/scan");
      if (fallback && OFFLINE_PAGES.some((page) => key.pathname.startsWith(page))) return fallback;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (
    url.pathname.startsWith("/api/") ||
    url.pathname.startsWith("/backup/export") ||
    url.pathname.startsWith("/backup/audit")
  )
    return;

  if (isPage(request)) {
    event.respondWith(pageFromNetworkOrCache(request));
    return;
  }
  const key = cacheKeys.get(url.pathname);
  if (!key) return;
  // A worker's location is the URL of the response that started it, and the bundler's worker entry reads
  // its start-up parameters from the fragment of its own URL, which a cached response loses. That one small
  // file is left to the browser's HTTP cache (Next.js serves it as immutable), which also works offline.
  if (request.destination === "worker") return;
  event.respondWith(caches.match(key, { cacheName: PRECACHE }).then((cached) => cached || fetch(request)));
});
