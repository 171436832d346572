import { v7 as uuidv7 } from "uuid";
import type { BackupTapeLocation } from "../../generated/prisma/client";
import { supersedes } from "../../lib/sync/current-location";
import type { LogLocationInput } from "../../lib/tapes";
import { diffFields, recordAudit, type Actor } from "../audit/service";
import type { Db, Tx } from "../db";
import { DomainError } from "../errors";
import { lockSites, sitePlacementProblem, type SiteStanding } from "../sites/service";
import { lockTape } from "../tapes/lock";
import { transaction } from "../db/transaction";

export const AUDITED_LOCATION_FIELDS = [
  "tapeId",
  "kind",
  "siteId",
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
export type EventOrigin = { eventId: string | null; deviceId: string | null };

/** A location to write, for a cartridge the caller has locked (its barcode goes into the audit entry). */
export type LocationRecord = {
  barcode: string;
  location: Pick<
    BackupTapeLocation,
    "tapeId" | "kind" | "siteId" | "site" | "shelf" | "locker" | "slot" | "custodian" | "serviceProvider" | "occurredAt"
  > &
    EventOrigin;
};

/**
 * A cartridge's current location, as far as choosing the next one goes and saying where it is (an audit's
 * misplaced scan records that); null when it has none.
 */
export type CurrentPlace = Pick<
  BackupTapeLocation,
  "id" | "occurredAt" | "kind" | "site" | "shelf" | "locker" | "slot"
> | null;

/**
 * What a caller read as it locked the cartridges and sites, so the write need not read it again: the
 * current place of locked cartridges (by id), and sites locked as `lockSites` locks them. Whatever is
 * not in them is read here.
 */
export type KnownPlaces = { current?: ReadonlyMap<string, CurrentPlace>; sites?: ReadonlyMap<string, SiteStanding> };

/**
 * The one writer of location rows and their audit entries, for the desk form and synced events alike,
 * for cartridges the caller has locked. Locations are taken in the order given, as if written one after
 * another: each becomes current only if it supersedes the cartridge's current one, so an old event synced
 * late is kept in the history without moving the cartridge. Each audit entry records whether its row
 * became current when written; the rows end with exactly one current per cartridge. A location that names a
 * site stores the site's name as its text too, so every reader of the text sees the name it had then; a site
 * it may not name (unknown, retired, of the other kind) fails the whole write: callers that judge events one
 * by one check `sitePlacementProblem` first.
 */
export async function writeLocations(
  tx: Tx,
  actor: Actor,
  records: LocationRecord[],
  known: KnownPlaces = {},
): Promise<BackupTapeLocation[]> {
  if (records.length === 0) return [];
  const now = new Date();
  const siteIds = [...new Set(records.flatMap(({ location }) => (location.siteId ? [location.siteId] : [])))];
  const unlocked = siteIds.filter((id) => !known.sites?.has(id));
  const sites = new Map([...(known.sites ?? []), ...(await lockSites(tx, unlocked))]);
  const placed = records.map(({ location }) => {
    if (!location.siteId) return location;
    const site = sites.get(location.siteId);
    const problem = sitePlacementProblem(site, location.kind);
    if (problem) throw new DomainError("BAD_REQUEST", problem, "siteId");
    return { ...location, site: site!.name };
  });
  const tapeIds = [...new Set(records.map(({ location }) => location.tapeId))];
  const unread = tapeIds.filter((id) => !known.current?.has(id));
  // Read after the cartridges are locked, so no concurrent change of their current location is missed.
  const read =
    unread.length === 0
      ? []
      : await tx.$queryRaw<{ id: string; tapeId: string; occurredAt: Date }[]>`
          SELECT id, tape_id AS "tapeId", occurred_at AS "occurredAt" FROM backup_tape_location
          WHERE tape_id = ANY(${unread}::text[]) AND is_current`;
  const stored = [
    ...read,
    ...tapeIds.flatMap((tapeId) => {
      const place = known.current?.get(tapeId);
      return place ? [{ ...place, tapeId }] : [];
    }),
  ];
  const current = new Map<string, { occurredAt: Date; row?: BackupTapeLocation }>(
    stored.map((location) => [location.tapeId, { occurredAt: location.occurredAt }]),
  );
  const becameCurrent: boolean[] = [];
  const rows = placed.map((location): BackupTapeLocation => {
    const row = { ...location, id: uuidv7(), recordedAt: now, recordedById: actor.id, recordedByName: actor.name };
    const before = current.get(row.tapeId);
    const becomes = supersedes(row, before);
    becameCurrent.push(becomes);
    if (!becomes) return { ...row, isCurrent: false };
    if (before?.row) before.row.isCurrent = false;
    const written = { ...row, isCurrent: true };
    current.set(row.tapeId, { occurredAt: row.occurredAt, row: written });
    return written;
  });

  const moved = new Set(rows.filter((_, index) => becameCurrent[index]).map((row) => row.tapeId));
  const superseded = stored.filter((location) => moved.has(location.tapeId)).map((location) => location.id);
  // The superseded rows are retired and the new ones inserted in one statement: the condition on the insert
  // makes the database finish the update before its first row goes in, which the one current row per
  // cartridge would refuse otherwise. The rows go as one JSON parameter: binding seventeen parameters a row
  // costs more than inserting it.
  await tx.$executeRaw`
    WITH retired AS (
      UPDATE backup_tape_location SET is_current = false WHERE id = ANY(${superseded}::text[]) RETURNING 1
    )
    INSERT INTO backup_tape_location (id, tape_id, kind, site_id, site, shelf, locker, slot, custodian, service_provider, occurred_at,
      recorded_at, recorded_by_id, recorded_by_name, is_current, event_id, device_id)
    SELECT id, "tapeId", kind, "siteId", site, shelf, locker, slot, custodian, "serviceProvider", "occurredAt",
      ${now}, "recordedById", "recordedByName", "isCurrent", "eventId", "deviceId"
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(id text, "tapeId" text, kind "LocationKind",
      "siteId" text, site text, shelf text, locker text, slot text, custodian text, "serviceProvider" text,
      "occurredAt" timestamp(3), "recordedById" text, "recordedByName" text, "isCurrent" boolean, "eventId" text,
      "deviceId" text)
    WHERE (SELECT count(*) FROM retired) >= 0`;

  recordAudit(
    tx,
    ...rows.map((row, index) => ({
      entityType: "location" as const,
      entityId: row.id,
      action: "create" as const,
      changes: {
        ...diffFields(null, { ...row, isCurrent: becameCurrent[index] }, AUDITED_LOCATION_FIELDS),
        barcode: { from: null, to: records[index]!.barcode },
      },
      actor,
    })),
  );
  return rows;
}

/** Records where a cartridge was at a moment (now, unless told). */
export function logLocation(db: Db, actor: Actor, input: LogLocationInput) {
  return transaction(db, async (tx) => {
    const { tapeId, occurredAt = new Date(), siteId = null, ...place } = input;
    const { barcode } = await lockTape(tx, tapeId);
    const [location] = await writeLocations(tx, actor, [
      { barcode, location: { ...place, siteId, tapeId, occurredAt, eventId: null, deviceId: null } },
    ]);
    return location!;
  });
}

/** The fields of the cartridge's latest location, to prefill the next entry. */
export async function lastLocationDetails(db: Db, tapeId: string) {
  return db.backupTapeLocation.findFirst({
    where: { tapeId },
    orderBy: [{ occurredAt: "desc" }, { recordedAt: "desc" }],
    select: {
      kind: true,
      siteId: true,
      site: true,
      shelf: true,
      locker: true,
      slot: true,
      custodian: true,
      serviceProvider: true,
    },
  });
}
