import type { FieldAudit } from "@/lib/audits";
import { normaliseLabel } from "@/lib/lto";
import type { CatalogueLocation } from "@/lib/sync/catalogue";
import type { SyncEvent } from "@/lib/sync/events";
import { LOCATION_KIND_LABEL } from "@/lib/vocabulary";

/**
 * An open audit as this device shows it: the server's, with the labels the signed-in user scanned here that
 * have not reached the server yet, so they show as scanned offline and after a pull.
 */
export type CachedAudit = FieldAudit;

export type AuditScanEvent = Extract<SyncEvent, { type: "audit.scanned" }>;

export const isAuditScan = (event: SyncEvent): event is AuditScanEvent => event.type === "audit.scanned";

/** The audit with `barcodes` among its scanned labels (each once). */
export function withScans(audit: CachedAudit, barcodes: readonly string[]): CachedAudit {
  return { ...audit, scanned: [...new Set([...audit.scanned, ...barcodes.map(normaliseLabel)])].sort() };
}

/** Where the device's catalogue has a cartridge, in words: "Off site, Iron Vault"; null when no location is known. */
export function locationInWords(location: CatalogueLocation | null): string | null {
  if (!location) return null;
  return [LOCATION_KIND_LABEL[location.kind], location.site].filter(Boolean).join(", ");
}
