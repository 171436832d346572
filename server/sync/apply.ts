import { v7 as uuidv7 } from "uuid";
import { Prisma } from "../../generated/prisma/client";
import { unreachable } from "../../lib/exhaustive";
import type { ParsedSyncEvent } from "../../lib/sync/events";
import { diffFields, type AuditEntry } from "../audit/service";
import { AUDITED_CUSTODY_FIELDS } from "../custody/service";
import type { Tx } from "../db";
import { AUDITED_LOCATION_FIELDS } from "../locations/service";
import { barcodeTaken, registerTapeInTx } from "../tapes/service";
import type { SyncActor } from "../../lib/users";

/**
 * Applying a pushed batch of events in a handful of statements instead of several per event: the rows and
 * audit entries are the ones logLocationInTx, recordCustodyInTx and registerTapeInTx write for the same
 * events one by one (tests/integration/sync.test.ts compares the two paths), at a fraction of the cost.
 * Events are taken in the order pushed, so a batch behaves as if applied event after event.
 * The multi-row statements are plain parameterised SQL: Prisma's createMany recompiles its query for every
 * batch, which cost several times the database's own work (see docs/PERFORMANCE.md, "Sync").
 */

export type Rejection = { id: string; reason: string };

type Located<Row> = { row: Row & { id: string }; barcode: string };
type LocationRow = Required<Omit<Prisma.BackupTapeLocationCreateManyInput, "recordedAt">> & {
  occurredAt: Date;
  isCurrent: boolean;
};
type CustodyRow = Required<Omit<Prisma.BackupTapeCustodyCreateManyInput, "recordedAt">> & { occurredAt: Date };
type Entry = Omit<AuditEntry, "actor">;

/** Locks the cartridges a batch names, in id order: batches from different phones then never deadlock. */
async function lockTapes(tx: Tx, barcodes: string[]): Promise<Map<string, string>> {
  if (barcodes.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ id: string; barcode: string }[]>`
    SELECT id, barcode FROM backup_tape_cartridge WHERE barcode = ANY(${barcodes}::text[]) ORDER BY id FOR UPDATE`;
  return new Map(rows.map((row) => [row.barcode, row.id]));
}

/**
 * logLocationInTx's rule, replayed per cartridge in event order: an event becomes current only if nothing
 * later (by when it happened) is known. Each audit entry records whether its row became current when
 * applied, as the one-by-one path does, while the rows end with exactly one current per cartridge.
 */
async function insertLocations(tx: Tx, moves: Located<LocationRow>[], now: Date): Promise<Entry[]> {
  if (moves.length === 0) return [];
  const tapeIds = [...new Set(moves.map(({ row }) => row.tapeId))];
  // Read after the cartridges are locked, so no concurrent change of their current location is missed.
  const currents = await tx.$queryRaw<{ id: string; tape_id: string; occurred_at: Date }[]>`
    SELECT id, tape_id, occurred_at FROM backup_tape_location WHERE tape_id = ANY(${tapeIds}::text[]) AND is_current`;
  const known = new Map(
    currents.map((location) => [location.tape_id, { id: location.id, occurredAt: location.occurred_at }]),
  );
  const current = new Map<string, { occurredAt: Date; row?: LocationRow }>(known);
  const becameCurrent = moves.map(({ row }) => {
    const before = current.get(row.tapeId);
    if (before && row.occurredAt < before.occurredAt) return false;
    if (before?.row) before.row.isCurrent = false;
    row.isCurrent = true;
    current.set(row.tapeId, { occurredAt: row.occurredAt, row });
    return true;
  });

  const moved = [...new Set(moves.filter((_, index) => becameCurrent[index]).map(({ row }) => row.tapeId))];
  const superseded = moved.flatMap((tapeId) => known.get(tapeId)?.id ?? []);
  if (superseded.length > 0)
    await tx.$executeRaw`UPDATE backup_tape_location SET is_current = false WHERE id = ANY(${superseded}::text[])`;
  await tx.$executeRaw`
    INSERT INTO backup_tape_location (id, tape_id, kind, site, shelf, locker, slot, custodian, service_provider, occurred_at,
      recorded_at, recorded_by_id, recorded_by_name, is_current, event_id, device_id)
    VALUES ${Prisma.join(
      moves.map(
        ({
          row,
        }) => Prisma.sql`(${row.id}, ${row.tapeId}, ${row.kind}::"LocationKind", ${row.site}, ${row.shelf}, ${row.locker}, ${row.slot},
          ${row.custodian}, ${row.serviceProvider}, ${row.occurredAt}, ${now}, ${row.recordedById}, ${row.recordedByName}, ${row.isCurrent},
          ${row.eventId}, ${row.deviceId})`,
      ),
    )}`;
  // Offline catalogues pull cartridges by updatedAt, and the current location is part of what they show.
  if (moved.length > 0)
    await tx.$executeRaw`UPDATE backup_tape_cartridge SET updated_at = ${now} WHERE id = ANY(${moved}::text[])`;

  return moves.map(({ row, barcode }, index) => ({
    entityType: "location",
    entityId: row.id,
    action: "create",
    changes: {
      ...diffFields(null, { ...row, isCurrent: becameCurrent[index] }, AUDITED_LOCATION_FIELDS),
      barcode: { from: null, to: barcode },
    },
  }));
}

async function insertCustody(tx: Tx, handoffs: Located<CustodyRow>[], now: Date): Promise<Entry[]> {
  if (handoffs.length === 0) return [];
  await tx.$executeRaw`
    INSERT INTO backup_tape_custody (id, tape_id, from_party, to_party, signer_name, signature, container_id, seal_number, notes,
      occurred_at, recorded_at, recorded_by_id, recorded_by_name, event_id, device_id)
    VALUES ${Prisma.join(
      handoffs.map(
        ({
          row,
        }) => Prisma.sql`(${row.id}, ${row.tapeId}, ${row.fromParty}, ${row.toParty}, ${row.signerName}, ${row.signature},
          ${row.containerId}, ${row.sealNumber}, ${row.notes}, ${row.occurredAt}, ${now}, ${row.recordedById}, ${row.recordedByName},
          ${row.eventId}, ${row.deviceId})`,
      ),
    )}`;
  return handoffs.map(({ row, barcode }) => ({
    entityType: "custody",
    entityId: row.id,
    action: "create",
    changes: {
      ...diffFields(null, row, AUDITED_CUSTODY_FIELDS),
      barcode: { from: null, to: barcode },
      signed: { from: null, to: row.signature !== null },
    },
  }));
}

/** What recordAudit writes, one row per entry, in one statement. */
async function insertAudit(tx: Tx, actor: SyncActor, entries: Entry[], now: Date) {
  if (entries.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO backup_audit_log (entity_type, entity_id, action, changes, actor_id, actor_name, created_at)
    VALUES ${Prisma.join(
      entries.map(
        (entry) =>
          Prisma.sql`(${entry.entityType}, ${entry.entityId}, ${entry.action}, ${JSON.stringify(entry.changes)}::jsonb, ${actor.id}, ${actor.name}, ${now})`,
      ),
    )}`;
}

/**
 * Applies the events whose ids this transaction claimed, and returns those the domain's rules refuse
 * (unknown cartridge, cartridge already registered) for the caller to record as rejected. Anything else
 * that fails aborts the whole batch: the phone pushes it again.
 */
export async function applyClaimedInTx(
  tx: Tx,
  actor: SyncActor,
  deviceId: string,
  events: ParsedSyncEvent[],
): Promise<Rejection[]> {
  const tapes = await lockTapes(tx, [...new Set(events.map((event) => event.payload.barcode.barcode))]);
  const rejections: Rejection[] = [];
  const moves: Located<LocationRow>[] = [];
  const handoffs: Located<CustodyRow>[] = [];
  const recorded = { recordedById: actor.id, recordedByName: actor.name, deviceId };

  for (const event of events) {
    const barcode = event.payload.barcode.barcode;
    if (event.type === "tape.registered") {
      if (tapes.has(barcode)) rejections.push({ id: event.id, reason: barcodeTaken(barcode).message });
      else tapes.set(barcode, (await registerTapeInTx(tx, actor, event.payload)).id);
      continue;
    }
    const tapeId = tapes.get(barcode);
    if (!tapeId) {
      rejections.push({ id: event.id, reason: `No cartridge with barcode ${barcode} is registered` });
      continue;
    }
    const { occurredAt, id: eventId } = event;
    if (event.type === "location.logged") {
      const { kind, site, shelf, locker, slot, custodian, serviceProvider } = event.payload;
      moves.push({
        barcode,
        row: {
          id: uuidv7(),
          tapeId,
          kind,
          site,
          shelf,
          locker,
          slot,
          custodian,
          serviceProvider,
          occurredAt,
          isCurrent: false,
          eventId,
          ...recorded,
        },
      });
    } else if (event.type === "custody.recorded") {
      const { fromParty, toParty, signerName, signature, containerId, sealNumber, notes } = event.payload;
      handoffs.push({
        barcode,
        row: {
          id: uuidv7(),
          tapeId,
          fromParty,
          toParty,
          signerName,
          signature: signature ?? null,
          containerId,
          sealNumber,
          notes,
          occurredAt,
          eventId,
          ...recorded,
        },
      });
    } else unreachable(event, "event");
  }

  const now = new Date();
  await insertAudit(
    tx,
    actor,
    [...(await insertLocations(tx, moves, now)), ...(await insertCustody(tx, handoffs, now))],
    now,
  );
  return rejections;
}
