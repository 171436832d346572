"use client";

import { createContext, useContext, useEffect, useSyncExternalStore, type ReactNode } from "react";
import { formatMoment, validTimeZone } from "@/lib/dates";
import { TIME_ZONE_COOKIE } from "./time-zone-cookie";

const TimeZoneContext = createContext<string>("UTC");

/**
 * The viewer's time zone for every moment on the page. The server renders with the zone the browser reported
 * in a cookie (UTC before it has), so the first paint and hydration agree; the browser then reports its own
 * zone and, when it differs, every moment re-renders in it.
 */
export function TimeZoneProvider({ initial, children }: { initial: string; children: ReactNode }) {
  // During hydration React uses the server's zone; right after, the browser's own.
  const zone = useSyncExternalStore(
    subscribeNever,
    () => browserTimeZone() ?? initial,
    () => initial,
  );
  useEffect(() => {
    if (zone !== initial) {
      document.cookie = `${TIME_ZONE_COOKIE}=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;
    }
  }, [zone, initial]);
  return <TimeZoneContext.Provider value={zone}>{children}</TimeZoneContext.Provider>;
}

// A browser's zone does not change while a page is open.
const subscribeNever = () => () => {};

function browserTimeZone(): string | null {
  return validTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone);
}

export function useTimeZone(): string {
  return useContext(TimeZoneContext);
}

/** A moment (something that happened at an instant) in the viewer's zone. */
export function Moment({ value, dayOnly = false }: { value: Date | string | null | undefined; dayOnly?: boolean }) {
  const zone = useTimeZone();
  if (value === null || value === undefined) return <>—</>;
  const date = value instanceof Date ? value : new Date(value);
  return <time dateTime={date.toISOString()}>{formatMoment(date, zone, dayOnly)}</time>;
}
