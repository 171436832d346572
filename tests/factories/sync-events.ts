import { v7 as uuidv7 } from "uuid";
import type { SyncEvent } from "../../lib/sync/events";
import { signatureImage } from "./signature";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

export function locationEvent(
  barcode: string,
  fields: { occurredAt?: Date; site?: string; kind?: "on_site" | "in_transit" | "off_site" } = {},
): SyncEvent {
  return {
    id: uuidv7(),
    type: "location.logged",
    occurredAt: fields.occurredAt ?? minutesAgo(5),
    payload: { barcode, kind: fields.kind ?? "off_site", site: fields.site ?? "Iron Vault, bay 4" },
  };
}

export function custodyEvent(barcode: string, fields: { occurredAt?: Date; toParty?: string } = {}): SyncEvent {
  return {
    id: uuidv7(),
    type: "custody.recorded",
    occurredAt: fields.occurredAt ?? minutesAgo(5),
    payload: { barcode, fromParty: "Operations", toParty: fields.toParty ?? "Courier", signerName: "Carl Courier" },
  };
}

export function tapeRegisteredEvent(barcode: string, fields: { occurredAt?: Date } = {}): SyncEvent {
  return {
    id: uuidv7(),
    type: "tape.registered",
    occurredAt: fields.occurredAt ?? minutesAgo(5),
    payload: { barcode, tags: ["offline"] },
  };
}

/** A case leaving its site: the labels scanned into it, its seal and the courier's one signature. */
export function dispatchEvent(
  consignmentId: string,
  barcodes: string[],
  fields: { occurredAt?: Date; sealNumbers?: string[]; courierName?: string; signature?: string; id?: string } = {},
): SyncEvent {
  return {
    id: fields.id ?? uuidv7(),
    type: "consignment.dispatched",
    occurredAt: fields.occurredAt ?? minutesAgo(5),
    payload: {
      consignmentId,
      barcodes,
      sealNumbers: fields.sealNumbers ?? ["S-1001"],
      courierName: fields.courierName ?? "Carl Courier",
      signature: fields.signature ?? signatureImage(),
    },
  };
}

/** A case opened at its destination: the labels scanned out of it, the seal as found, the receiver's signature. */
export function receiptEvent(
  consignmentId: string,
  barcodes: string[],
  fields: {
    occurredAt?: Date;
    sealIntact?: boolean;
    sealNumbers?: string[];
    sealDiscrepancy?: string;
    receiverName?: string;
    signature?: string;
    id?: string;
  } = {},
): SyncEvent {
  return {
    id: fields.id ?? uuidv7(),
    type: "consignment.received",
    occurredAt: fields.occurredAt ?? minutesAgo(1),
    payload: {
      consignmentId,
      barcodes,
      sealIntact: fields.sealIntact ?? true,
      sealNumbers: fields.sealNumbers ?? ["S-1001"],
      sealDiscrepancy: fields.sealDiscrepancy,
      receiverName: fields.receiverName ?? "Vera Vault",
      signature: fields.signature ?? signatureImage(),
    },
  };
}

/** One label scanned for an inventory audit. */
export function auditScanEvent(
  auditId: string,
  barcode: string,
  fields: { occurredAt?: Date; id?: string } = {},
): SyncEvent {
  return {
    id: fields.id ?? uuidv7(),
    type: "audit.scanned",
    occurredAt: fields.occurredAt ?? minutesAgo(5),
    payload: { auditId, barcode },
  };
}
