import type { Viewer } from "./users";
import type { Role } from "./vocabulary";

/**
 * What a signed-in user with write access may change, by role: the one table the server checks on every
 * procedure and route, and the UI asks to hide what would be refused. Read access changes nothing.
 */
export const CAPABILITY_LABEL = {
  "catalogue.edit": "register or edit cartridges",
  "catalogue.delete": "delete cartridges",
  "catalogue.correct": "correct a cartridge's barcode",
  "jobs.edit": "create or edit backup jobs",
  "jobs.delete": "delete backup jobs",
  "movements.record": "record locations and hand-offs",
  "sites.manage": "manage sites",
  "rotation.recall": "recall cartridges for a restore",
  "settings.manage": "change settings",
  "users.manage": "manage users and their access",
  "system.administer": "back up the database or sign audit checkpoints",
} as const;

export type Capability = keyof typeof CAPABILITY_LABEL;
export const CAPABILITIES = Object.keys(CAPABILITY_LABEL) as Capability[];

const MOVEMENTS: readonly Capability[] = ["movements.record"];

export const ROLE_CAPABILITIES: Record<Role, readonly Capability[]> = {
  admin: CAPABILITIES,
  staff: [
    "catalogue.edit",
    "catalogue.delete",
    "jobs.edit",
    "jobs.delete",
    "movements.record",
    "sites.manage",
    "rotation.recall",
  ],
  courier: MOVEMENTS,
  custodian: MOVEMENTS,
};

export type CapabilityHolder = Pick<Viewer, "role" | "backupAccess">;

/** Whether `viewer` may do what `capability` covers: write access and a role that includes it. */
export function can(viewer: CapabilityHolder | null | undefined, capability: Capability): boolean {
  if (!viewer || viewer.backupAccess !== "write") return false;
  return ROLE_CAPABILITIES[viewer.role].includes(capability);
}

/** Why `viewer` may not do what `capability` covers, in words for an error message; null when they may. */
export function refusal(viewer: CapabilityHolder, capability: Capability): string | null {
  if (can(viewer, capability)) return null;
  if (viewer.backupAccess !== "write") return "You have read-only access to Backup Monitor";
  const role = viewer.role === "admin" ? "an administrator" : `a ${viewer.role}`;
  return `As ${role} you cannot ${CAPABILITY_LABEL[capability]}`;
}
