import type { FieldConsignment } from "@/lib/consignments";
import { normaliseLabel } from "@/lib/lto";
import type { SiteOption } from "@/lib/sites";
import type { CatalogueLocation } from "@/lib/sync/catalogue";
import type { SyncEvent } from "@/lib/sync/events";

/**
 * A consignment as this device shows it: the server's, with the signed-in user's dispatch or receipt that
 * has not reached the server yet, so the same case is not dispatched or received twice from here.
 */
export type CachedConsignment = FieldConsignment;

type ConsignmentEvent = Extract<SyncEvent, { type: "consignment.dispatched" | "consignment.received" }>;

export const isConsignmentEvent = (event: SyncEvent): event is ConsignmentEvent =>
  event.type === "consignment.dispatched" || event.type === "consignment.received";

const labels = (barcodes: readonly string[]) => [...new Set(barcodes.map(normaliseLabel))].sort();

/** The consignment after `event`, recorded by `author` on this device. */
export function withStep(consignment: CachedConsignment, event: ConsignmentEvent, author: string): CachedConsignment {
  if (event.type === "consignment.received") return { ...consignment, state: "received" };
  const { barcodes, sealNumbers, courierName } = event.payload;
  return {
    ...consignment,
    state: "in_transit",
    scannedOut: labels(barcodes),
    sealNumbers: [...new Set(sealNumbers.map((seal) => seal.trim()))],
    courierName: courierName.trim(),
    dispatchedById: author,
  };
}

/** A cartridge at the place an event puts it. */
export type RecordedLocation = { barcode: string; location: CatalogueLocation };

/**
 * Where an event puts cartridges, as the device shows them until the server has it: a move's cartridge
 * where it was logged, a dispatched case's cartridges in transit, a received case's at its destination
 * (`destination`: none when the device does not know that site).
 */
export function recordedLocations(event: SyncEvent, destination: SiteOption | null): RecordedLocation[] {
  const at = (location: Omit<CatalogueLocation, "occurredAt">) => (barcode: string) => ({
    barcode: normaliseLabel(barcode),
    location: { ...location, occurredAt: event.occurredAt },
  });
  switch (event.type) {
    case "location.logged":
      return [at({ kind: event.payload.kind, site: event.payload.site?.trim() || null })(event.payload.barcode)];
    case "consignment.dispatched":
      return event.payload.barcodes.map(at({ kind: "in_transit", site: null }));
    case "consignment.received":
      return destination ? event.payload.barcodes.map(at({ kind: destination.kind, site: destination.name })) : [];
    default:
      return [];
  }
}
