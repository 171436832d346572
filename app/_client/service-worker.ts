import { Workbox } from "workbox-window";

/**
 * Registers the service worker. When a new version has installed, `onUpdate` gets a function that
 * activates it and reloads once it controls the page, so a page never runs on a mix of two versions.
 */
export function registerServiceWorker(onUpdate: (activate: () => void) => void) {
  if (!("serviceWorker" in navigator)) return;
  const wb = new Workbox("/sw.js", { scope: "/" });
  wb.addEventListener("waiting", () => {
    onUpdate(() => {
      wb.addEventListener("controlling", () => window.location.reload());
      wb.messageSkipWaiting();
    });
  });
  void wb.register();
}
