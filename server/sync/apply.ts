import { refusal } from "../../lib/capabilities";
import { unreachable } from "../../lib/exhaustive";
import type { ParsedSyncEvent } from "../../lib/sync/events";
import { writeCustody, type CustodyRecord } from "../custody/service";
import { signatureProblemOffThread } from "../custody/signature";
import type { LocationKind } from "../../generated/prisma/client";
import type { Tx } from "../db";
import { writeLocations, type CurrentPlace, type LocationRecord } from "../locations/service";
import { lockSites, sitePlacementProblem } from "../sites/service";
import { barcodeTaken, registerTapeInTx } from "../tapes/service";
import type { SyncPusher } from "../../lib/users";
import { consignmentSteps, type StepRows } from "../consignments/steps";
import { lockAudits, scanRefusal, writeScans, type ScanRecord } from "../audits/service";
import { DomainError } from "../errors";

/**
 * Applying a pushed batch of events in a handful of statements instead of several per event: the rows and
 * audit entries are written by the same set-based writers the desk forms use (writeLocations, writeCustody),
 * each once for the whole batch. Events are taken in the order pushed, so a batch behaves as if applied
 * event after event.
 */

export type Rejection = { id: string; reason: string };

/** A cartridge locked by label with where it is now (`backup_lock_tapes_by_label`); location fields null when none. */
type LockedByLabel = {
  id: string;
  barcode: string;
  location_id: string | null;
  located_at: Date | null;
  location_kind: LocationKind | null;
  location_site: string | null;
  location_shelf: string | null;
  location_locker: string | null;
  location_slot: string | null;
};

/**
 * Locks the cartridges a batch names, in id order (backup_lock_tapes_by_label): batches from different phones
 * then never deadlock. Returns each one's id by label, and where each is now, read once they are locked.
 */
async function lockTapes(tx: Tx, barcodes: string[]) {
  const rows =
    barcodes.length === 0
      ? []
      : await tx.$queryRaw<LockedByLabel[]>`SELECT * FROM backup_lock_tapes_by_label(${barcodes}::text[])`;
  return {
    ids: new Map(rows.map((row) => [row.barcode, row.id])),
    current: new Map(
      rows.map((row): [string, CurrentPlace] => [
        row.id,
        row.location_id
          ? {
              id: row.location_id,
              occurredAt: row.located_at!,
              kind: row.location_kind!,
              site: row.location_site,
              shelf: row.location_shelf,
              locker: row.location_locker,
              slot: row.location_slot,
            }
          : null,
      ]),
    ),
  };
}

/** Every label an event names: one cartridge's, or each scanned into or out of a consignment's case. */
const labelsOf = (event: ParsedSyncEvent): string[] =>
  "barcodes" in event.payload ? event.payload.barcodes : [event.payload.barcode.barcode];

type ConsignmentStepEvent = Extract<ParsedSyncEvent, { type: "consignment.dispatched" | "consignment.received" }>;
const isConsignmentStep = (event: ParsedSyncEvent): event is ConsignmentStepEvent =>
  event.type === "consignment.dispatched" || event.type === "consignment.received";

/**
 * A consignment's dispatch or receipt, as all of it or nothing: its rules are checked before anything of it
 * is kept, so a step they refuse (not approved yet, already received on another device, a label no cartridge
 * has) is the event's rejection while the rest of the batch applies. Its cartridges' moves and hand-offs join
 * the batch's, written with them.
 */
async function ruledStep(step: () => Promise<StepRows>, moves: LocationRecord[], handoffs: CustodyRecord[]) {
  try {
    const rows = await step();
    moves.push(...rows.moves);
    handoffs.push(...rows.handoffs);
    return null;
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
}

/**
 * Applies the events whose ids this transaction claimed, and returns those the domain's rules refuse
 * (unknown cartridge, cartridge already registered, a registration by someone whose role may not register, a
 * site it may not name, a consignment step its rules refuse, a scan for an audit no longer open) for the caller to record as rejected. Anything else that fails aborts the whole batch:
 * the phone pushes it again.
 */
export async function applyClaimedInTx(
  tx: Tx,
  actor: SyncPusher,
  deviceId: string,
  events: ParsedSyncEvent[],
): Promise<Rejection[]> {
  // Each case's signature is inflated on the thread pool while the statements before its step run.
  const signatures = new Map(
    events.flatMap((event) =>
      isConsignmentStep(event) ? [[event.id, signatureProblemOffThread(event.payload.signature)] as const] : [],
    ),
  );
  const { ids: tapes, current } = await lockTapes(tx, [...new Set(events.flatMap(labelsOf))]);
  const audits = await lockAudits(
    tx,
    events.flatMap((event) =>
      event.type === "audit.scanned"
        ? [{ auditId: event.payload.auditId, barcode: event.payload.barcode.barcode }]
        : [],
    ),
  );
  const sites = await lockSites(tx, [
    ...new Set(
      events.flatMap((event) =>
        event.type === "location.logged" && event.payload.siteId ? [event.payload.siteId] : [],
      ),
    ),
  ]);
  const steps = await consignmentSteps(
    tx,
    actor,
    events.flatMap((event) => (isConsignmentStep(event) ? [event.payload.consignmentId] : [])),
    tapes,
  );
  const rejections: Rejection[] = [];
  const moves: LocationRecord[] = [];
  const handoffs: CustodyRecord[] = [];
  const scans: ScanRecord[] = [];
  // The push itself needs "movements.record"; a registration also needs the catalogue's own capability.
  const registrationRefused = refusal(actor, "catalogue.edit");

  for (const event of events) {
    if (isConsignmentStep(event)) {
      const capability = event.type === "consignment.dispatched" ? "consignments.dispatch" : "consignments.receive";
      const origin = { occurredAt: event.occurredAt, eventId: event.id, deviceId };
      const reason =
        refusal(actor, capability) ??
        (await ruledStep(
          () =>
            event.type === "consignment.dispatched"
              ? steps.dispatch(event.payload, origin, signatures.get(event.id)!)
              : steps.receive(event.payload, origin, signatures.get(event.id)!),
          moves,
          handoffs,
        ));
      if (reason) rejections.push({ id: event.id, reason });
      continue;
    }
    const barcode = event.payload.barcode.barcode;
    if (event.type === "audit.scanned") {
      const { auditId } = event.payload;
      const reason = refusal(actor, "audits.scan") ?? scanRefusal(audits.get(auditId));
      if (reason) rejections.push({ id: event.id, reason });
      else {
        const origin = { occurredAt: event.occurredAt, eventId: event.id, deviceId };
        scans.push({ auditId, barcode, tapeId: tapes.get(barcode) ?? null, origin });
      }
      continue;
    }
    if (event.type === "tape.registered") {
      if (registrationRefused) rejections.push({ id: event.id, reason: registrationRefused });
      else if (tapes.has(barcode)) rejections.push({ id: event.id, reason: barcodeTaken(barcode).message });
      else tapes.set(barcode, (await registerTapeInTx(tx, actor, event.payload)).id);
      continue;
    }
    const tapeId = tapes.get(barcode);
    if (!tapeId) {
      rejections.push({ id: event.id, reason: `No cartridge with barcode ${barcode} is registered` });
      continue;
    }
    const origin = { tapeId, occurredAt: event.occurredAt, eventId: event.id, deviceId };
    if (event.type === "location.logged") {
      const { kind, siteId = null, site, shelf, locker, slot, custodian, serviceProvider } = event.payload;
      const problem = siteId ? sitePlacementProblem(sites.get(siteId), kind) : null;
      if (problem) {
        rejections.push({ id: event.id, reason: problem });
        continue;
      }
      moves.push({
        barcode,
        location: { ...origin, kind, siteId, site, shelf, locker, slot, custodian, serviceProvider },
      });
    } else if (event.type === "custody.recorded") {
      const { fromParty, toParty, signerName, signature = null, containerId, sealNumber, notes } = event.payload;
      handoffs.push({
        barcode,
        handoff: { ...origin, fromParty, toParty, signerName, signature, containerId, sealNumber, notes },
      });
    } else unreachable(event, "event");
  }

  await steps.write();
  // Scans first: a misplaced one records where the catalogue had the cartridge before this batch moved it.
  await writeScans(tx, actor, scans, audits, current);
  await writeLocations(tx, actor, moves, { current, sites: new Map([...sites, ...steps.destinations]) });
  await writeCustody(tx, actor, handoffs);
  return rejections;
}
