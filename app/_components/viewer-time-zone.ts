import "server-only";
import { cookies } from "next/headers";
import { UTC, validTimeZone } from "@/lib/dates";
import { TIME_ZONE_COOKIE } from "./time-zone-cookie";

/** The zone the viewer's browser reported, or UTC until it has. */
export async function viewerTimeZone(): Promise<string> {
  const value = (await cookies()).get(TIME_ZONE_COOKIE)?.value;
  return validTimeZone(value ? decodeURIComponent(value) : null) ?? UTC;
}
