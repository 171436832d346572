import { v7 as uuidv7 } from "uuid";
import type { SyncEvent } from "../../lib/sync/events";

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
