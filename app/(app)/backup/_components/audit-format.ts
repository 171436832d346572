import type { AuditAction, AuditChanges, AuditEntityType, AuditValue } from "@/lib/audit";
import { CONSIGNMENT_STATE_LABEL, type ConsignmentState } from "@/lib/consignments";
import { formatCalendarDate, formatMoment } from "@/lib/dates";
import { unreachable } from "@/lib/exhaustive";
import { formatBytes } from "@/lib/format";
import { MEDIA_TYPE_LABEL, type MediaType } from "@/lib/lto";

type Present = NonNullable<AuditValue>;
type FieldFormat = { label?: string; format?: (value: Present) => string };

const NONE = "—";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Enum values are stored as identifiers (in_use, off_site); people read them as words. */
const words = (value: Present) => String(value).replaceAll("_", " ");
// Bigints are recorded as decimal strings (JSON has no bigint).
const isDigits = (value: Present) => /^\d+$/.test(String(value));
const bytes = (value: Present) => (isDigits(value) ? formatBytes(BigInt(String(value))) : String(value));
const count = (value: Present) => (isDigits(value) ? BigInt(String(value)).toLocaleString("en") : String(value));

const FIELDS: Record<string, FieldFormat> = {
  nativeCapacityBytes: { label: "capacity", format: bytes },
  totalBytes: { label: "size", format: bytes },
  totalFiles: { label: "files", format: count },
  mediaId: { label: "media ID" },
  siteId: { label: "site ID" },
  defaultCustodian: { label: "default custodian" },
  mediaType: { label: "media type", format: (value) => MEDIA_TYPE_LABEL[value as MediaType] ?? String(value) },
  retentionDays: { label: "retention", format: (value) => `${value} days` },
  sendDelayDays: { label: "send delay", format: (value) => `${value} days` },
  leadTimeDays: { label: "bring-back lead time", format: (value) => `${value} days` },
  neededBy: { label: "needed by" },
  backupAccess: { label: "backup access" },
  fromParty: { label: "from" },
  toParty: { label: "to" },
  signerName: { label: "signed by" },
  occurredAt: { label: "when" },
  expiresAt: { label: "expires" },
  status: { format: words },
  state: { format: (value) => CONSIGNMENT_STATE_LABEL[value as ConsignmentState]?.toLowerCase() ?? words(value) },
  kind: { format: words },
  // A consignment's steps and incidents.
  fromSiteId: { label: "from site ID" },
  toSiteId: { label: "to site ID" },
  containerId: { label: "case" },
  needsApproval: { label: "needs approval" },
  cartridges: { label: "cartridges expected" },
  sealNumbers: { label: "seal numbers at dispatch" },
  receivedSealNumbers: { label: "seal numbers at receipt" },
  sealIntact: { label: "seal intact" },
  sealDiscrepancy: { label: "seal discrepancy" },
  seal: { label: "seal discrepancy" },
  scannedOut: { label: "scanned out" },
  scannedIn: { label: "scanned in" },
  missing: { label: "missing" },
  unexpected: { label: "not on the list" },
  lost: { label: "declared lost" },
  found: { label: "found" },
  cartridge: { label: "cartridge" },
  courier: { label: "courier" },
  receiver: { label: "received by" },
  reason: { label: "reason" },
  resolution: { label: "resolution" },
  verification: { format: words },
  role: { format: words },
};

/** nativeCapacityBytes → "native capacity bytes", for fields without a label of their own. */
const humanise = (field: string) =>
  field
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replaceAll("_", " ")
    .toLowerCase();

const fieldLabel = (field: string) => FIELDS[field]?.label ?? humanise(field);

function formatDate(iso: string, zone: string): string {
  // A value at midnight UTC is a calendar date (an expiry), not a moment: showing a time would mislead.
  return iso.endsWith("T00:00:00.000Z") ? formatCalendarDate(iso) : formatMoment(iso, zone);
}

function formatPresent(value: Present, zone: string): string {
  if (Array.isArray(value))
    return value.length === 0 ? NONE : value.map((item) => formatValue(item, undefined, zone)).join(", ");
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return value.toLocaleString("en");
  if (typeof value === "object") return JSON.stringify(value);
  if (ISO_DATE_TIME.test(value)) return formatDate(value, zone);
  // Signatures are stored as images; the text of one means nothing to a reader.
  if (value.startsWith("data:image/")) return "image";
  return value;
}

/** A recorded value as people read it; moments in `zone`, the viewer's time zone. */
export function formatValue(value: AuditValue | undefined, field: string | undefined, zone: string): string {
  if (value === null || value === undefined || value === "") return NONE;
  const format = field ? FIELDS[field]?.format : undefined;
  return format ? format(value) : formatPresent(value, zone);
}

type ChangeLine = { field: string; label: string; from: string; to: string };
export type EntryDescription = { summary: string | null; changes: ChangeLine[] };

/** Cartridges and jobs are registered; events are recorded; accounts are created. */
const CREATED: Partial<Record<AuditEntityType, string>> = {
  location: "recorded",
  custody: "recorded",
  sync_event: "recorded",
  user: "created",
  site: "added",
  consignment: "created",
  api_token: "created",
};
/** A consignment's step in a word or two, shown above what came with it (its state change, reason, seals). */
const STEP_WORD: Partial<Record<AuditAction, string>> = {
  submit: "submitted",
  approve: "approved",
  reject: "rejected",
  cancel: "cancelled",
  dispatch: "dispatched",
  receive: "received",
  declare_lost: "declared lost",
  mark_found: "marked found",
  resolve: "incident resolved",
};

/** A creation, deletion or discard in one word: its fields are the whole record, which the page already shows. */
function summaryOf(entityType: AuditEntityType, action: AuditAction): string | null {
  switch (action) {
    case "create":
      return CREATED[entityType] ?? "registered";
    case "delete":
      return "deleted";
    case "discard":
      return "discarded";
    case "keyed":
      return "sealed with the audit key";
    case "retire":
      return "retired";
    case "close":
      return "closed";
    case "apply_corrections":
      return "corrections applied";
    case "destroy":
      return "destroyed";
    case "return_to_scratch":
      return "returned to scratch";
    case "revoke":
      return "revoked";
    case "submit":
    case "approve":
    case "reject":
    case "cancel":
    case "dispatch":
    case "receive":
    case "declare_lost":
    case "mark_found":
    case "resolve":
    case "update":
    case "span":
    case "deactivate":
    case "reactivate":
    case "change_role":
    case "set_access":
    case "change_password":
    case "correct_barcode":
    case "map_legacy":
    case "recall":
    case "cancel_recall":
    case "set_notifications":
      return null;
    default:
      return unreachable(action, "audit action");
  }
}

/** What an entry says: a summary in a word, or each changed field as before → after. */
export function describeEntry(
  entityType: AuditEntityType,
  { action, changes }: { action: AuditAction; changes: AuditChanges },
  zone: string,
): EntryDescription {
  const summary = summaryOf(entityType, action);
  if (summary) return { summary, changes: [] };
  const lines = Object.entries(changes).map(([field, change]) => ({
    field,
    label: fieldLabel(field),
    from: formatValue(change.from, field, zone),
    to: formatValue(change.to, field, zone),
  }));
  // A password change records no password: the action is the news, its fields only what came with it.
  const named = lines.length === 0 || action === "change_password";
  return { summary: STEP_WORD[action] ?? (named ? humanise(action) : null), changes: lines };
}
