import type { LogLocationInput } from "../../lib/tapes";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { lockTape } from "../tapes/lock";
import { transaction } from "../db/transaction";

export const AUDITED_LOCATION_FIELDS = [
  "tapeId",
  "kind",
  "site",
  "shelf",
  "locker",
  "slot",
  "custodian",
  "serviceProvider",
  "occurredAt",
  "isCurrent",
] as const;

/** Where an event came from when it was recorded on a device and synced later. */
export type EventOrigin = { eventId?: string; deviceId?: string };

/**
 * Records where a cartridge was at a moment. The row becomes current only if nothing newer (by when it
 * happened) is already known, so an old event synced late is kept in the history without moving the tape.
 */
export async function logLocationInTx(tx: Tx, actor: Actor, input: LogLocationInput, origin: EventOrigin = {}) {
  const tape = await lockTape(tx, input.tapeId);
  const occurredAt = input.occurredAt ?? new Date();
  const current = await tx.backupTapeLocation.findFirst({ where: { tapeId: input.tapeId, isCurrent: true } });
  const becomesCurrent = !current || occurredAt >= current.occurredAt;
  if (becomesCurrent && current) {
    await tx.backupTapeLocation.update({ where: { id: current.id }, data: { isCurrent: false } });
  }
  if (becomesCurrent) {
    // Offline catalogues pull cartridges by updatedAt, and the current location is part of what they show.
    await tx.backupTapeCartridge.update({ where: { id: input.tapeId }, data: { updatedAt: new Date() } });
  }
  const location = await tx.backupTapeLocation.create({
    data: {
      tapeId: input.tapeId,
      kind: input.kind,
      site: input.site,
      shelf: input.shelf,
      locker: input.locker,
      slot: input.slot,
      custodian: input.custodian,
      serviceProvider: input.serviceProvider,
      occurredAt,
      isCurrent: becomesCurrent,
      recordedById: actor.id,
      recordedByName: actor.name,
      eventId: origin.eventId,
      deviceId: origin.deviceId,
    },
  });
  await recordAudit(tx, {
    entityType: "location",
    entityId: location.id,
    action: "create",
    changes: { ...diffFields(null, location, AUDITED_LOCATION_FIELDS), barcode: { from: null, to: tape.barcode } },
    actor,
  });
  return location;
}

export function logLocation(db: Db, actor: Actor, input: LogLocationInput) {
  return transaction(db, (tx) => logLocationInTx(tx, actor, input));
}

/** The fields of the cartridge's latest location, to prefill the next entry. */
export async function lastLocationDetails(db: Db, tapeId: string) {
  return db.backupTapeLocation.findFirst({
    where: { tapeId },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }],
    select: { kind: true, site: true, shelf: true, locker: true, slot: true, custodian: true, serviceProvider: true },
  });
}
