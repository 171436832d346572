/** Entities of the backup module: every user who can read the module may see their history. */
export const BACKUP_ENTITY_TYPES = [
  "tape",
  "job",
  "location",
  "custody",
  "sync_event",
  "site",
  "consignment",
  "inventory_audit",
  "destruction",
] as const;
export type BackupEntityType = (typeof BACKUP_ENTITY_TYPES)[number];

/** User accounts (roles, access, deactivation), settings and API tokens too, whose history only administrators may see. */
export const AUDIT_ENTITY_TYPES = [...BACKUP_ENTITY_TYPES, "user", "setting", "api_token"] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/**
 * Every action an audit entry can record. Add-only: entries keep their action for as long as the log is
 * kept, so an action is never renamed or removed, and readers must handle all of them (switches end in
 * `unreachable`, lib/exhaustive.ts).
 */
export const AUDIT_ACTIONS = [
  "create",
  "update",
  "delete",
  /** A job's cartridges or their order changed. */
  "span",
  /** A rejected offline event was set aside by the person who recorded it. */
  "discard",
  "deactivate",
  "reactivate",
  "change_role",
  "set_access",
  /** A user changed their own password (the change records no password, only that it happened). */
  "change_password",
  /** The chain was first sealed with the audit key; earlier entries were re-sealed once. */
  "keyed",
  /** An administrator corrected a mistyped barcode in place. */
  "correct_barcode",
  /** A site was retired: kept for the locations that name it, offered for no new one. */
  "retire",
  /** Locations recorded with a site as free text were set to name a site. */
  "map_legacy",
  /** A cartridge was recalled for a restore (on the cartridge: the recall's reason, needed-by date, job). */
  "recall",
  /** A recall was cancelled before the cartridge came back. */
  "cancel_recall",
  /** A consignment's steps: sent for approval (or approved at once), decided, cancelled, moved. */
  "submit",
  "approve",
  "reject",
  "cancel",
  "dispatch",
  "receive",
  /** A cartridge missing from a consignment was declared lost, with a reason. */
  "declare_lost",
  /** A cartridge missing from a consignment turned up and was received at its destination. */
  "mark_found",
  /** An incident (a lost cartridge, a seal discrepancy) was closed with a note. */
  "resolve",
  /** An inventory audit was closed: its result is frozen. */
  "close",
  /** A closed inventory audit's corrections were applied: misplaced cartridges logged there, missing ones marked. */
  "apply_corrections",
  /** Cartridges were destroyed or sanitized (on each cartridge: the destruction's certificate number). */
  "destroy",
  /** A cartridge whose data had all expired was made empty again for reuse; its past jobs stay in history. */
  "return_to_scratch",
  /** A user chose to receive, or stopped receiving, the daily digest. */
  "set_notifications",
  /** An API token was revoked: requests with it are refused from then on. */
  "revoke",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_PAGE_MAX = 100;
export const AUDIT_PAGE_DEFAULT = 20;

/** A recorded value: what JSON can hold (dates as ISO strings, bigints as decimal strings). */
export type AuditValue = string | number | boolean | null | AuditValue[] | { [key: string]: AuditValue };
export type AuditChanges = Record<string, { from: AuditValue; to: AuditValue }>;
