/**
 * The service worker's caches hold app code only: the precached build and its static runtime cache. Any
 * other cache of this origin (such as the page cache of earlier versions) may hold a user's pages and is
 * removed on activation and on sign-out.
 */
export const STATIC_CACHE = "static-assets";

export const isAppCodeCache = (name: string) => name.startsWith("workbox-precache") || name === STATIC_CACHE;

/** The user-free page the service worker answers navigations with when the network does not. */
export const APP_SHELL_URL = "/offline";
