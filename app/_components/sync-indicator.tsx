"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { useSyncStatus } from "@/app/_client/field-sync";
import { CLOCK_TOLERANCE_MS, describeSkew } from "@/lib/sync/clock";

function ago(date: Date, now: number) {
  const seconds = Math.max(0, Math.round((now - date.getTime()) / 1000));
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 24 ? `${hours} h ago` : date.toLocaleDateString("en-GB");
}

/** How many recorded events wait for the server, and whether they can get there, on every screen. */
export function SyncIndicator() {
  const status = useSyncStatus();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  if (!status?.counted) return null;
  const clockOff =
    status.clockOffsetMs !== null && Math.abs(status.clockOffsetMs) > CLOCK_TOLERANCE_MS ? status.clockOffsetMs : null;

  const parts: string[] = [];
  if (status.offline) parts.push("Offline");
  parts.push(status.waiting === 0 ? "All synced" : `${status.waiting} waiting`);
  if (status.syncing) parts.push("syncing…");
  else if (status.lastSyncedAt && !status.offline) parts.push(`synced ${ago(status.lastSyncedAt, now)}`);
  const tone =
    status.needsSignIn || status.rejected > 0 || clockOff !== null
      ? "bg-amber-100 text-amber-900"
      : status.offline
        ? "bg-slate-200 text-slate-800"
        : "bg-emerald-50 text-emerald-800";

  return (
    <div className="flex flex-col gap-1 text-xs" data-testid="sync-indicator">
      <Link
        href="/backup/outbox"
        className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-1 ${tone}`}
        aria-live="polite"
      >
        <span
          aria-hidden
          className={`size-2 rounded-full ${status.offline ? "bg-slate-500" : status.waiting ? "bg-amber-500" : "bg-emerald-500"}`}
        />
        <span data-testid="sync-summary">{parts.join(" · ")}</span>
      </Link>
      {status.rejected > 0 && (
        <Link href="/backup/outbox" className="text-amber-800 underline">
          {status.rejected} need{status.rejected === 1 ? "s" : ""} attention
        </Link>
      )}
      {clockOff !== null && (
        <p className="text-amber-800" role="status" data-testid="clock-warning">
          This device&apos;s clock is {describeSkew(clockOff)}. Set it to the right time; times sent meanwhile are
          corrected by the server.
        </p>
      )}
      {status.needsSignIn && (
        <a href="/sign-in?next=/backup/outbox" className="text-amber-800 underline">
          Sign in again to sync
        </a>
      )}
    </div>
  );
}
