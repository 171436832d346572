import { v7 as uuidv7 } from "uuid";
import type { BackupTapeCustody } from "../../generated/prisma/client";
import type { RecordCustodyInput } from "../../lib/tapes";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { DomainError } from "../errors";
import type { EventOrigin } from "../locations/service";
import { lockTape } from "../tapes/lock";
import { sharedValues } from "../db/shared-values";
import { transaction } from "../db/transaction";
import { signatureProblem } from "./signature";

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

/** A hand-off to write, for a cartridge the caller has locked, with a signature `signatureProblem` accepted. */
export type CustodyRecord = {
  barcode: string;
  handoff: Pick<
    BackupTapeCustody,
    | "tapeId"
    | "fromParty"
    | "toParty"
    | "signerName"
    | "signature"
    | "containerId"
    | "sealNumber"
    | "notes"
    | "occurredAt"
  > &
    EventOrigin;
};

/** The one writer of custody rows and their audit entries, for the desk form and synced events alike. */
export async function writeCustody(tx: Tx, actor: Actor, records: CustodyRecord[]): Promise<BackupTapeCustody[]> {
  if (records.length === 0) return [];
  const now = new Date();
  const rows = records.map(({ handoff }): BackupTapeCustody => ({
    ...handoff,
    id: uuidv7(),
    recordedAt: now,
    recordedById: actor.id,
    recordedByName: actor.name,
  }));
  // The rows as one JSON parameter, as writeLocations does, and each signature once: a case's hand-offs all
  // carry the one signature its courier or receiver gave, some 30 KB that would otherwise be sent per row.
  const signatures = sharedValues(rows.flatMap((row) => (row.signature === null ? [] : [row.signature])));
  const sent = rows.map(({ signature, ...row }) => ({
    ...row,
    signature: signature === null ? null : signatures.indexOf(signature),
  }));
  await tx.$executeRaw`
    INSERT INTO backup_tape_custody (id, tape_id, from_party, to_party, signer_name, signature, container_id, seal_number, notes,
      occurred_at, recorded_at, recorded_by_id, recorded_by_name, event_id, device_id)
    SELECT r.id, r."tapeId", r."fromParty", r."toParty", r."signerName", s.list ->> r.signature, r."containerId",
      r."sealNumber", r.notes, r."occurredAt", ${now}, r."recordedById", r."recordedByName", r."eventId", r."deviceId"
    FROM jsonb_to_recordset(${JSON.stringify(sent)}::jsonb) AS r(id text, "tapeId" text, "fromParty" text,
      "toParty" text, "signerName" text, signature int, "containerId" text, "sealNumber" text, notes text,
      "occurredAt" timestamp(3), "recordedById" text, "recordedByName" text, "eventId" text, "deviceId" text)
    CROSS JOIN (SELECT ${JSON.stringify(signatures.values)}::jsonb AS list) s`;
  recordAudit(
    tx,
    ...rows.map((row, index) => ({
      entityType: "custody" as const,
      entityId: row.id,
      action: "create" as const,
      changes: {
        ...diffFields(null, row, AUDITED_CUSTODY_FIELDS),
        barcode: { from: null, to: records[index]!.barcode },
        signed: { from: null, to: row.signature !== null },
      },
      actor,
    })),
  );
  return rows;
}

/** Records a hand-off of a cartridge (now, unless told). */
export function recordCustody(db: Db, actor: Actor, input: RecordCustodyInput) {
  const { tapeId, occurredAt = new Date(), signature = null, ...handoff } = input;
  const problem = signature === null ? null : signatureProblem(signature);
  if (problem) throw new DomainError("BAD_REQUEST", problem, "signature");
  return transaction(db, async (tx) => {
    const { barcode } = await lockTape(tx, tapeId);
    const [event] = await writeCustody(tx, actor, [
      { barcode, handoff: { ...handoff, tapeId, signature, occurredAt, eventId: null, deviceId: null } },
    ]);
    return event!;
  });
}
