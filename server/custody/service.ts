import type { RecordCustodyInput } from "../../lib/tapes";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import type { EventOrigin } from "../locations/service";
import { lockTape } from "../tapes/lock";
import { transaction } from "../db/transaction";

// The signature image is stored with the event but kept out of the audit entry (it says only that one exists).
export const AUDITED_CUSTODY_FIELDS = [
  "tapeId",
  "fromParty",
  "toParty",
  "signerName",
  "containerId",
  "sealNumber",
  "notes",
  "occurredAt",
] as const;

export async function recordCustodyInTx(tx: Tx, actor: Actor, input: RecordCustodyInput, origin: EventOrigin = {}) {
  const tape = await lockTape(tx, input.tapeId);
  const event = await tx.backupTapeCustody.create({
    data: {
      tapeId: input.tapeId,
      fromParty: input.fromParty,
      toParty: input.toParty,
      signerName: input.signerName,
      signature: input.signature ?? null,
      containerId: input.containerId,
      sealNumber: input.sealNumber,
      notes: input.notes,
      occurredAt: input.occurredAt ?? new Date(),
      recordedById: actor.id,
      recordedByName: actor.name,
      eventId: origin.eventId,
      deviceId: origin.deviceId,
    },
  });
  await recordAudit(tx, {
    entityType: "custody",
    entityId: event.id,
    action: "create",
    changes: {
      ...diffFields(null, event, AUDITED_CUSTODY_FIELDS),
      barcode: { from: null, to: tape.barcode },
      signed: { from: null, to: event.signature !== null },
    },
    actor,
  });
  return event;
}

export function recordCustody(db: Db, actor: Actor, input: RecordCustodyInput) {
  return transaction(db, (tx) => recordCustodyInTx(tx, actor, input));
}
