import Dexie, { type EntityTable } from "dexie";
import { v7 as uuidv7 } from "uuid";
import { unreachable } from "@/lib/exhaustive";
import { normaliseLabel } from "@/lib/lto";
import type { SiteOption } from "@/lib/sites";
import type { CatalogueLocation, CatalogueTape } from "@/lib/sync/catalogue";
import type { DeviceUser } from "./device-user";
import { supersedes } from "@/lib/sync/current-location";
import { withScans, type CachedAudit } from "./field-audits";
import { recordedLocations, withStep, type CachedConsignment, type RecordedLocation } from "./field-consignments";
import { InvalidEventError } from "./invalid-event-error";
import { describeIssues, eventSubject, syncEventSchema, type SyncEvent, type SyncEventDraft } from "@/lib/sync/events";

/**
 * The phone's offline store: events waiting to be pushed (the outbox), the cartridges it can show
 * without a connection (the catalogue cache), and a few values of its own (meta).
 */

export type OutboxStatus = "pending" | "rejected";

export type OutboxRow = SyncEvent & {
  /**
   * The cartridge's normalised barcode, indexed so the cache can overlay events not yet synced; for a
   * consignment's dispatch or receipt, its `eventSubject`.
   */
  barcode: string;
  /** The signed-in user who recorded it; only that user's session pushes it. */
  userId: string;
  /** Their name, to tell whoever holds the phone whose sign-in the event waits for. */
  userName?: string;
  deviceId: string;
  /** Push order on this device: a counter, not the clock, so a clock set back cannot reorder events. */
  seq: number;
  /** Pushes that went unanswered. */
  attempts: number;
  status: OutboxStatus;
  /** Why the server rejected it. */
  reason: string | null;
};

export type CachedTape = {
  barcode: string;
  /** Null while the cartridge is registered only on this device. */
  id: string | null;
  status: CatalogueTape["status"];
  location: CatalogueLocation | null;
  /** The server's change time; null for a change made only on this device. */
  changedAt: Date | null;
};

type MetaValues = {
  deviceId: string;
  nextSeq: number;
  catalogueCursor: string | null;
  lastSyncedAt: Date;
  deviceUser: DeviceUser;
};
export type MetaKey = keyof MetaValues;
type MetaRow = { [K in MetaKey]: { key: K; value: MetaValues[K] } }[MetaKey];

export const SYNC_DB_NAME = "backup-monitor";

export class SyncDb extends Dexie {
  outbox!: EntityTable<OutboxRow, "id">;
  catalogue!: EntityTable<CachedTape, "barcode">;
  /** The active sites as the last catalogue pull gave them, for the site picker offline. */
  sites!: EntityTable<SiteOption, "id">;
  /** The consignments to dispatch or receive as the last pull gave them, with this user's steps not yet synced. */
  consignments!: EntityTable<CachedConsignment, "id">;
  /** The open audits as the last pull gave them, with this user's scans not yet synced. */
  audits!: EntityTable<CachedAudit, "id">;
  meta!: EntityTable<MetaRow, "key">;

  constructor(name: string = SYNC_DB_NAME) {
    super(name);
    this.version(1).stores({
      outbox: "id, [userId+status+seq], status, barcode",
      catalogue: "barcode",
      meta: "key",
    });
    this.version(2).stores({ sites: "id, code" });
    this.version(3).stores({ consignments: "id" });
    this.version(4).stores({ audits: "id" });
  }
}

export async function getMeta<K extends MetaKey>(db: SyncDb, key: K): Promise<MetaValues[K] | undefined> {
  const row = await db.meta.get(key);
  return row?.value as MetaValues[K] | undefined;
}

export function setMeta<K extends MetaKey>(db: SyncDb, key: K, value: MetaValues[K]) {
  return db.meta.put({ key, value } as MetaRow);
}

/** This browser's id, created on first use; kept with the data it identifies. */
export function deviceIdOf(db: SyncDb): Promise<string> {
  return db.transaction("rw", db.meta, async () => {
    const existing = await getMeta(db, "deviceId");
    if (existing) return existing;
    // uuid rather than crypto.randomUUID, which browsers offer only on HTTPS and the app also runs on a LAN.
    const id = uuidv7();
    await setMeta(db, "deviceId", id);
    return id;
  });
}

/** The change an event makes to a cached cartridge (undefined: none). */
export type CacheUpdate = (current: CachedTape | undefined) => CachedTape | undefined;

/**
 * What an event changes in the device's caches, run in the transaction that queues it: one cartridge for a
 * move, every cartridge of the case and the consignment itself for a dispatch or receipt.
 */
export type CacheChange = (db: SyncDb) => Promise<void>;

/** Shows each cartridge at the location the event gives it, unless the cache holds a later one. */
function moveCached(moves: RecordedLocation[]): CacheChange {
  return async (db) => {
    const cached = await db.catalogue.bulkGet(moves.map((move) => move.barcode));
    const moved = moves.flatMap(({ location }, index) => {
      const current = cached[index];
      return current && supersedes(location, current.location) ? [{ ...current, location }] : [];
    });
    await db.catalogue.bulkPut(moved);
  };
}

/**
 * What the device can already show: where a cartridge went, a cartridge registered here, a consignment
 * dispatched or received here (its cartridges in transit or at the destination, and the consignment no
 * longer offered for the same step), a label scanned for an audit.
 */
export function cacheChangeFor(event: SyncEvent, author: string): CacheChange {
  switch (event.type) {
    case "location.logged":
      return moveCached(recordedLocations(event, null));
    case "consignment.dispatched":
      return async (db) => {
        await moveCached(recordedLocations(event, null))(db);
        const consignment = await db.consignments.get(event.payload.consignmentId);
        if (consignment) await db.consignments.put(withStep(consignment, event, author));
      };
    case "tape.registered": {
      const registered: CachedTape = {
        barcode: normaliseLabel(event.payload.barcode),
        id: null,
        status: event.payload.status ?? "empty",
        location: null,
        changedAt: null,
      };
      return async (db) => {
        if (!(await db.catalogue.get(registered.barcode))) await db.catalogue.put(registered);
      };
    }
    case "custody.recorded":
      return async () => {};
    case "audit.scanned":
      return async (db) => {
        const audit = await db.audits.get(event.payload.auditId);
        if (audit) await db.audits.put(withScans(audit, [event.payload.barcode]));
      };
    case "consignment.received":
      return async (db) => {
        const consignment = await db.consignments.get(event.payload.consignmentId);
        if (!consignment) return;
        const destination = await db.sites.get(consignment.toSite.id);
        await moveCached(recordedLocations(event, destination ?? null))(db);
        await db.consignments.put(withStep(consignment, event, author));
      };
    default:
      return unreachable(event, "event");
  }
}

/** An event as a screen records it, by the signed-in user; the time defaults to now. */
export type RecordedEvent = SyncEventDraft & { userId: string; userName?: string; occurredAt?: Date };

export type EnqueueOptions = {
  /** Overrides the cache change the event implies. */
  cacheChange?: CacheChange;
  /** A rejected event this one corrects: removed in the same transaction. */
  replaces?: string;
};

type Checked = { event: SyncEvent; userId: string; userName?: string; barcode: string };

/**
 * Gives the event its id and time and checks it with the server's own schema: an event the server would
 * refuse outright is refused here, where it can still be fixed.
 */
function check(recorded: RecordedEvent): Checked {
  const { userId, userName, occurredAt = new Date(), ...draft } = recorded;
  const event = { ...draft, id: uuidv7(), occurredAt } as SyncEvent;
  const checked = syncEventSchema.safeParse(event);
  if (!checked.success) throw new InvalidEventError(describeIssues(checked.error));
  const { payload } = checked.data;
  return { event, userId, userName, barcode: "barcode" in payload ? payload.barcode.barcode : eventSubject(event) };
}

/** Writes outbox rows and their cache changes in one transaction: the screen never shows a change that will not be pushed. */
function store(
  db: SyncDb,
  events: (Checked & { cacheChange: CacheChange })[],
  replaces?: string,
): Promise<OutboxRow[]> {
  return db.transaction("rw", [db.outbox, db.catalogue, db.consignments, db.audits, db.sites, db.meta], async () => {
    const deviceId = await deviceIdOf(db);
    const firstSeq = (await getMeta(db, "nextSeq")) ?? 1;
    await setMeta(db, "nextSeq", firstSeq + events.length);
    const rows = events.map(({ event, userId, userName, barcode }, index): OutboxRow => ({
      ...event,
      barcode,
      userId,
      userName,
      deviceId,
      seq: firstSeq + index,
      attempts: 0,
      status: "pending",
      reason: null,
    }));
    await db.outbox.bulkAdd(rows);
    if (replaces) await db.outbox.delete(replaces);
    for (const { cacheChange } of events) await cacheChange(db);
    return rows;
  });
}

/** Puts an event in the outbox and makes its change to the cache, in one transaction. */
export async function enqueue(db: SyncDb, recorded: RecordedEvent, options: EnqueueOptions = {}): Promise<OutboxRow> {
  const checked = check(recorded);
  const [row] = await store(
    db,
    [{ ...checked, cacheChange: options.cacheChange ?? cacheChangeFor(checked.event, checked.userId) }],
    options.replaces,
  );
  return row!;
}

/** Several events recorded together (a box of cartridges moved at once): all are queued, or none. */
export async function enqueueAll(db: SyncDb, recorded: RecordedEvent[]): Promise<OutboxRow[]> {
  const checked = recorded.map((event, index) => {
    try {
      return check(event);
    } catch (error) {
      if (error instanceof InvalidEventError && recorded.length > 1)
        throw new InvalidEventError(`Event ${index + 1}: ${error.message}`);
      throw error;
    }
  });
  return store(
    db,
    checked.map((entry) => ({ ...entry, cacheChange: cacheChangeFor(entry.event, entry.userId) })),
  );
}

/** The user's next events to push, in the order they were recorded, within a size budget. */
export async function nextBatch(db: SyncDb, userId: string, { limit, maxBytes }: { limit: number; maxBytes: number }) {
  const rows = await db.outbox
    .where("[userId+status+seq]")
    .between([userId, "pending", Dexie.minKey], [userId, "pending", Dexie.maxKey])
    .limit(limit)
    .toArray();
  let bytes = 0;
  // Signatures make custody events large: a push stays small enough for a weak mobile connection.
  return rows.filter((row, index) => {
    bytes += JSON.stringify(row.payload).length;
    return index === 0 || bytes <= maxBytes;
  });
}

export function rejectedEvents(db: SyncDb, userId: string): Promise<OutboxRow[]> {
  return db.outbox
    .where("[userId+status+seq]")
    .between([userId, "rejected", Dexie.minKey], [userId, "rejected", Dexie.maxKey])
    .toArray();
}

/** Events another user recorded on this device, by author: they wait until that user signs in here. */
export type WaitingAuthor = { userId: string; name: string | null; count: number };

/** How many events wait on this device: the user's own, others' (held until they sign in), the user's rejected. */
export async function outboxCounts(db: SyncDb, userId: string) {
  const own = (status: OutboxStatus) =>
    db.outbox
      .where("[userId+status+seq]")
      .between([userId, status, Dexie.minKey], [userId, status, Dexie.maxKey])
      .count();
  const waiting = await own("pending");
  const rejected = await own("rejected");
  const others = new Map<string, WaitingAuthor>();
  await db.outbox
    .where("status")
    .equals("pending")
    .each((row) => {
      if (row.userId === userId) return;
      const author = others.get(row.userId) ?? { userId: row.userId, name: null, count: 0 };
      others.set(row.userId, { ...author, name: row.userName ?? author.name, count: author.count + 1 });
    });
  const waitingFor = [...others.values()];
  return {
    waiting,
    rejected,
    waitingOtherUsers: waitingFor.reduce((sum, author) => sum + author.count, 0),
    waitingFor,
  };
}

export function cachedTape(db: SyncDb, barcode: string): Promise<CachedTape | undefined> {
  return db.catalogue.get(normaliseLabel(barcode));
}

/** Cached cartridges whose barcode starts with what was typed, for finding one offline. */
export function searchCachedTapes(db: SyncDb, prefix: string, limit = 10): Promise<CachedTape[]> {
  return db.catalogue.where("barcode").startsWith(normaliseLabel(prefix)).limit(limit).toArray();
}
