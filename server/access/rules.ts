import type { AccessLevel, Role } from "../../lib/vocabulary";

export const BACKUP_MODULE = "backup";

/** Admins always write; everyone else writes unless an administrator set them to read. */
export function effectiveAccess(role: Role, override: AccessLevel | null | undefined): AccessLevel {
  if (role === "admin") return "write";
  return override ?? "write";
}
