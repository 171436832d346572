"use client";

import { useEffect, useState } from "react";
import { registerServiceWorker } from "@/app/_client/service-worker";

/** Registers the service worker and offers the reload when a new version of the app is ready. */
export function UpdatePrompt() {
  const [activate, setActivate] = useState<(() => void) | null>(null);
  useEffect(() => {
    if (process.env.NODE_ENV !== "production") return;
    registerServiceWorker((next) => setActivate(() => next));
  }, []);
  if (!activate) return null;
  return (
    <div
      role="status"
      className="fixed inset-x-3 bottom-20 z-30 mx-auto flex max-w-md items-center justify-between gap-3 rounded-lg bg-slate-900 px-4 py-3 text-sm text-white shadow-lg md:bottom-6"
    >
      <span>A new version of Backup Monitor is ready.</span>
      <button type="button" className="btn bg-white text-slate-900 hover:bg-slate-100" onClick={activate}>
        Reload
      </button>
    </div>
  );
}
