/**
 * The words of the domain and how screens show them. Kept apart from the zod schemas that use them so a
 * screen that only shows labels (the scan screen, the app shell) does not load the validation library.
 */

export const TAPE_STATUSES = ["empty", "in_use", "full", "pending_destruction"] as const;
export const TAPE_STATUS_LABEL: Record<(typeof TAPE_STATUSES)[number] | "destroyed", string> = {
  empty: "Empty",
  in_use: "In use",
  full: "Full",
  pending_destruction: "Pending destruction",
  destroyed: "Destroyed",
};
/** The statuses a form may set: "destroyed" only a destruction sets (server/destruction). */
export const SETTABLE_TAPE_STATUS_LABEL = Object.fromEntries(
  TAPE_STATUSES.map((status) => [status, TAPE_STATUS_LABEL[status]]),
) as Record<(typeof TAPE_STATUSES)[number], string>;

export const LOCATION_KINDS = ["on_site", "in_transit", "off_site"] as const;
export type LocationKind = (typeof LOCATION_KINDS)[number];
export const LOCATION_KIND_LABEL: Record<LocationKind, string> = {
  on_site: "On site",
  in_transit: "In transit",
  off_site: "Off site",
};

/** A site is on site or off site; "in transit" is a move between sites, never a site. */
export const SITE_KINDS = ["on_site", "off_site"] as const;
export type SiteKind = (typeof SITE_KINDS)[number];
export const SITE_KIND_LABEL: Record<SiteKind, string> = { on_site: "On site", off_site: "Off site" };

export const ROLES = ["admin", "staff", "courier", "custodian"] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABEL: Record<Role, string> = {
  admin: "Administrator",
  staff: "Staff",
  courier: "Courier",
  custodian: "Custodian",
};

export const ACCESS_LEVELS = ["read", "write"] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

/** The free-text details of a place beside its named site, as every form that logs a location asks for them. */
export const PLACE_FIELDS = [
  ["shelf", "Shelf"],
  ["locker", "Locker"],
  ["slot", "Slot"],
  ["custodian", "Custodian"],
  ["serviceProvider", "Service provider"],
] as const;
export type PlaceField = (typeof PLACE_FIELDS)[number][0];

/** What part of its site an audit covers, in words: "shelf B-2", "locker 4" or "the whole site". */
export function auditScope(audit: { shelf: string | null; locker: string | null }): string {
  if (audit.shelf) return `shelf ${audit.shelf}`;
  if (audit.locker) return `locker ${audit.locker}`;
  return "the whole site";
}

export const MIN_PASSWORD_LENGTH = 12;
/** The password rule (lib/password.ts) as the forms that set a password state it. */
export const PASSWORD_RULE_TEXT = `At least ${MIN_PASSWORD_LENGTH} characters, with letters and digits.`;
