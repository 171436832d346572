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
  "consignments.manage": "create, edit or cancel consignments, or resolve their incidents",
  "consignments.approve": "approve consignments",
  "consignments.dispatch": "dispatch consignments",
  "consignments.receive": "receive consignments",
  "audits.run": "start, close or cancel inventory audits, apply their corrections or resolve their incidents",
  "audits.scan": "scan cartridges for an inventory audit",
  "destruction.record": "record the destruction of cartridges",
  "destruction.override": "destroy cartridges whose data has not expired",
  "settings.manage": "change settings",
  "users.manage": "manage users and their access",
  "integrations.manage": "manage the API tokens of integrations",
  "audit.review": "read the whole audit log or check its integrity",
  "system.administer": "back up the database or sign audit checkpoints",
} as const;

export type Capability = keyof typeof CAPABILITY_LABEL;
export const CAPABILITIES = Object.keys(CAPABILITY_LABEL) as Capability[];

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
    "consignments.manage",
    "consignments.dispatch",
    "consignments.receive",
    "audits.run",
    "audits.scan",
    "destruction.record",
  ],
  // A courier dispatches and receives only the consignments they carry (server/consignments/service.ts).
  courier: ["movements.record", "consignments.dispatch", "consignments.receive", "audits.scan"],
  custodian: ["movements.record", "consignments.receive", "audits.scan"],
};

/**
 * What an administrator's approver mark adds to a role. Only staff can be made approvers: on anyone else the
 * mark means nothing (administrators approve anyway, couriers and custodians never do).
 */
export const APPROVER_CAPABILITIES: Partial<Record<Role, readonly Capability[]>> = {
  staff: ["consignments.approve"],
};

/** Whether an approver mark means anything for `role` (it is kept only on those roles). */
export const takesApproverMark = (role: Role): boolean => APPROVER_CAPABILITIES[role] !== undefined;

export type CapabilityHolder = Pick<Viewer, "role" | "backupAccess" | "approver">;

function roleGrants({ role, approver }: CapabilityHolder, capability: Capability): boolean {
  return (
    ROLE_CAPABILITIES[role].includes(capability) || (approver && !!APPROVER_CAPABILITIES[role]?.includes(capability))
  );
}

/** Whether `viewer` may do what `capability` covers: write access and a role that includes it. */
export function can(viewer: CapabilityHolder | null | undefined, capability: Capability): boolean {
  if (!viewer || viewer.backupAccess !== "write") return false;
  return roleGrants(viewer, capability);
}

const AS_ROLE: Record<Role, string> = {
  admin: "As an administrator",
  staff: "As staff",
  courier: "As a courier",
  custodian: "As a custodian",
};

/**
 * Why `viewer` may not do what `capability` covers, in words for an error message or a notice; null when
 * they may. The role is named first: with write access they still could not.
 */
export function refusal(viewer: CapabilityHolder, capability: Capability): string | null {
  if (can(viewer, capability)) return null;
  const label = CAPABILITY_LABEL[capability];
  if (!roleGrants(viewer, capability)) {
    const withMark = APPROVER_CAPABILITIES[viewer.role]?.includes(capability);
    return withMark
      ? `${AS_ROLE[viewer.role]} you cannot ${label} unless an administrator marks you as an approver`
      : `${AS_ROLE[viewer.role]} you cannot ${label}`;
  }
  return `You have read-only access to Backup Monitor, so you cannot ${label}`;
}

/**
 * Why `viewer` may not receive a consignment dispatched by `dispatchedById` (null: not yet dispatched, as far
 * as is known): a courier receives only a case they carried. Null when nothing stands in the way beyond the
 * receive capability itself.
 */
export function receiptRefusal(
  viewer: CapabilityHolder & { id: string | null },
  dispatchedById: string | null,
): string | null {
  if (viewer.role !== "courier" || can(viewer, "consignments.manage") || dispatchedById === viewer.id) return null;
  return "As a courier you can receive only a consignment you dispatched";
}
