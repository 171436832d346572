import type { SyncEngine } from "@/app/_client/sync-loop";
import type { SyncEventPayloads } from "@/lib/sync/events";

type Batch = { barcodes: string[]; occurredAt: Date };
type Engine = Pick<SyncEngine, "enqueueAll">;

/**
 * One event per cartridge of a batch, queued all or none: a failure midway queues nothing, so trying
 * again queues each cartridge's event once instead of repeating the ones already queued under new ids.
 */
export function logLocationForBatch(
  engine: Engine,
  { barcodes, occurredAt, place }: Batch & { place: Omit<SyncEventPayloads["location.logged"], "barcode"> },
) {
  return engine.enqueueAll(
    barcodes.map((barcode) => ({ type: "location.logged", occurredAt, payload: { ...place, barcode } })),
  );
}

export function handOffForBatch(
  engine: Engine,
  { barcodes, occurredAt, handoff }: Batch & { handoff: Omit<SyncEventPayloads["custody.recorded"], "barcode"> },
) {
  return engine.enqueueAll(
    barcodes.map((barcode) => ({ type: "custody.recorded", occurredAt, payload: { ...handoff, barcode } })),
  );
}
