import "server-only";
import { cookies } from "next/headers";
import { UTC, validTimeZone } from "@/lib/dates";
import { TIME_ZONE_COOKIE } from "./time-zone-cookie";

const zoneOf = (value: string | undefined) => validTimeZone(value ? decodeURIComponent(value) : null) ?? UTC;

/** The zone the viewer's browser reported, or UTC until it has. */
export async function viewerTimeZone(): Promise<string> {
  return zoneOf((await cookies()).get(TIME_ZONE_COOKIE)?.value);
}

/** The same, read from the request a route handler is given (its Cookie header). */
export function requestTimeZone(request: Request): string {
  const prefix = `${TIME_ZONE_COOKIE}=`;
  const cookie = request.headers
    .get("cookie")
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(prefix));
  return zoneOf(cookie?.slice(prefix.length));
}
