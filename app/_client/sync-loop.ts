import { liveQuery, type Subscription } from "dexie";
import type { CataloguePage } from "@/lib/sync/catalogue";
import { MAX_BATCH, type EventResult, type SyncEvent, type SyncEventDraft } from "@/lib/sync/events";
import { forgetCatalogue, mergeCataloguePage } from "./catalogue-cache";
import {
  deviceIdOf,
  enqueue,
  enqueueAll,
  getMeta,
  nextBatch,
  outboxCounts,
  setMeta,
  type EnqueueOptions,
  type OutboxRow,
  type RecordedEvent,
  type WaitingAuthor,
  type SyncDb,
} from "./outbox";

/** How the engine reaches the server; the tRPC implementation is in sync-transport.ts. */
export type SyncTransport = {
  /** `author` is the user who recorded the events: the server refuses them under anyone else's session. */
  push(batch: { deviceId: string; author: string; deviceTime: Date; events: SyncEvent[] }): Promise<EventResult[]>;
  pullCatalogue(query: { cursor: string | null }): Promise<CataloguePage>;
  discard(input: { id: string; note?: string }): Promise<void>;
};

/**
 * network: no answer (offline, dropped, timed out); server: 5xx; unauthorized: the session is gone;
 * refused: any other refusal (read-only access, invalid request), which retrying later may or may not cure.
 */
export type SyncFailure = "network" | "server" | "unauthorized" | "refused";

export class SyncTransportError extends Error {
  constructor(
    readonly kind: SyncFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SyncTransportError";
  }
}

export type SyncStatus = {
  /** False until the outbox has been counted: until then the counts below mean nothing yet. */
  counted: boolean;
  /** The signed-in user's events not yet acknowledged by the server. */
  waiting: number;
  /** Events other users recorded on this device: they wait until that user signs in here. */
  waitingOtherUsers: number;
  /** The same, by author. */
  waitingFor: WaitingAuthor[];
  /** The signed-in user's events the server refused, to fix or discard. */
  rejected: number;
  syncing: boolean;
  offline: boolean;
  /** The session expired: nothing is pushed until `resume()` after signing in again. */
  needsSignIn: boolean;
  lastSyncedAt: Date | null;
  /** Why the last attempt failed, if it did. */
  lastError: string | null;
  /** When the next attempt is due, if one is scheduled. */
  nextAttemptAt: Date | null;
  /**
   * How far this device's clock is ahead of the server's (negative: behind), measured at the last pull;
   * null until measured. The server corrects the times of pushed events by its own measurement.
   */
  clockOffsetMs: number | null;
};

export type Clock = { now(): number };
export type Timers = { setTimeout(run: () => void, ms: number): unknown; clearTimeout(handle: unknown): void };
/** The part of the Web Locks API the engine uses: one tab at a time syncs the shared database. */
export type Locks = { request<T>(name: string, callback: () => Promise<T>): Promise<T> };
export type Network = { online(): boolean; subscribe(onChange: (online: boolean) => void): () => void };

export type SyncEngineOptions = {
  db: SyncDb;
  transport: SyncTransport;
  /** The signed-in user: only their events are pushed. */
  userId: string;
  /** Their name, kept with each event they record. */
  userName?: string;
  clock?: Clock;
  timers?: Timers;
  /** navigator.locks by default; without it (tests, plain-HTTP origins) tabs may sync at once, which the server's idempotency makes safe. */
  locks?: Locks | null;
  network?: Network;
  /** Between syncs while all is well, to pull the catalogue and push what other tabs queued. */
  intervalMs?: number;
  /** First retry delay after a failure; doubles per failure up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  batchSize?: number;
  maxBatchBytes?: number;
  /** Spreads retries of many phones after an outage; 0..1. */
  random?: () => number;
};

const SYNC_LOCK_NAME = "backup-monitor-sync";

function browserNetwork(): Network {
  if (typeof window === "undefined") return { online: () => true, subscribe: () => () => {} };
  return {
    // navigator.onLine is only trustworthy when false; true still gets tried.
    online: () => navigator.onLine !== false,
    subscribe(onChange) {
      const online = () => onChange(true);
      const offline = () => onChange(false);
      window.addEventListener("online", online);
      window.addEventListener("offline", offline);
      return () => {
        window.removeEventListener("online", online);
        window.removeEventListener("offline", offline);
      };
    },
  };
}

const browserLocks = (): Locks | null => (typeof navigator !== "undefined" && navigator.locks ? navigator.locks : null);

const asFailure = (error: unknown): SyncTransportError =>
  error instanceof SyncTransportError
    ? error
    : new SyncTransportError("server", error instanceof Error ? error.message : "Sync failed", { cause: error });

const toWire = ({ id, type, occurredAt, payload }: OutboxRow) => ({ id, type, occurredAt, payload }) as SyncEvent;

/**
 * Pushes the outbox to the server and pulls the catalogue: on start, when the browser comes online, after
 * an enqueue, and on a timer that backs off exponentially while attempts fail and resets on success.
 * A row leaves the outbox only once the server answered applied or duplicate, so a lost answer means a
 * replay, which the server answers as duplicate. Rejected events stay, marked, and never block the rest.
 */
export class SyncEngine {
  private readonly db: SyncDb;
  private readonly transport: SyncTransport;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly locks: Locks | null;
  private readonly network: Network;
  private readonly intervalMs: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly random: () => number;

  private userId: string;
  private userName: string | undefined;
  private status: SyncStatus = {
    counted: false,
    waiting: 0,
    waitingOtherUsers: 0,
    waitingFor: [],
    rejected: 0,
    syncing: false,
    offline: false,
    needsSignIn: false,
    lastSyncedAt: null,
    lastError: null,
    nextAttemptAt: null,
    clockOffsetMs: null,
  };
  private readonly listeners = new Set<(status: SyncStatus) => void>();
  private started = false;
  private failures = 0;
  private timer: unknown = null;
  private running: Promise<void> | null = null;
  private runAgain = false;
  private counts: Subscription | null = null;
  private unsubscribeNetwork: (() => void) | null = null;

  constructor(options: SyncEngineOptions) {
    this.db = options.db;
    this.transport = options.transport;
    this.userId = options.userId;
    this.userName = options.userName;
    this.clock = options.clock ?? Date;
    this.timers = options.timers ?? {
      setTimeout: (run, ms) => globalThis.setTimeout(run, ms),
      clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
    };
    this.locks = options.locks === undefined ? browserLocks() : options.locks;
    this.network = options.network ?? browserNetwork();
    this.intervalMs = options.intervalMs ?? 60_000;
    this.retryBaseMs = options.retryBaseMs ?? 2_000;
    this.retryMaxMs = options.retryMaxMs ?? 5 * 60_000;
    this.batchSize = Math.min(options.batchSize ?? MAX_BATCH, MAX_BATCH);
    this.maxBatchBytes = options.maxBatchBytes ?? 1_000_000;
    this.random = options.random ?? Math.random;
  }

  getStatus(): SyncStatus {
    return this.status;
  }

  /** Calls the listener now and on every change; returns the function that stops it. */
  subscribe(listener: (status: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  start(): Promise<void> {
    if (this.started) return this.running ?? Promise.resolve();
    this.started = true;
    this.watchCounts();
    this.unsubscribeNetwork = this.network.subscribe((online) => {
      this.update({ offline: !online });
      if (online) {
        this.failures = 0;
        void this.syncNow();
      }
    });
    // Stopped meanwhile (a reload, a sign-out), the engine's database may be closed: nothing is shown then.
    void getMeta(this.db, "lastSyncedAt").then(
      (lastSyncedAt) => {
        if (lastSyncedAt && !this.status.lastSyncedAt) this.update({ lastSyncedAt });
      },
      (error: unknown) => {
        if (this.started) throw error;
      },
    );
    return this.syncNow();
  }

  /** Stops timers and listeners. A push already on its way still completes and is recorded. */
  stop() {
    this.started = false;
    this.clearTimer();
    this.counts?.unsubscribe();
    this.counts = null;
    this.unsubscribeNetwork?.();
    this.unsubscribeNetwork = null;
    this.update({ nextAttemptAt: null });
  }

  /** After signing in again (possibly as someone else): that user's events are pushed from now on. */
  resume(userId: string = this.userId, userName?: string): Promise<void> {
    if (userId !== this.userId) {
      this.userId = userId;
      this.userName = userName;
      if (this.started) this.watchCounts();
    }
    this.failures = 0;
    this.update({ needsSignIn: false, lastError: null });
    return this.syncNow();
  }

  /** Records an event by the signed-in user and pushes it as soon as possible. */
  async enqueue(draft: SyncEventDraft & { occurredAt?: Date }, options?: EnqueueOptions): Promise<OutboxRow> {
    const recorded = {
      ...draft,
      userId: this.userId,
      userName: this.userName,
      occurredAt: draft.occurredAt ?? new Date(this.clock.now()),
    } as RecordedEvent;
    const row = await enqueue(this.db, recorded, options);
    void this.syncNow();
    return row;
  }

  /** Records several events by the signed-in user at once: all are queued, or none. */
  async enqueueAll(drafts: (SyncEventDraft & { occurredAt?: Date })[]): Promise<OutboxRow[]> {
    const now = new Date(this.clock.now());
    const rows = await enqueueAll(
      this.db,
      drafts.map(
        (draft) =>
          ({
            ...draft,
            userId: this.userId,
            userName: this.userName,
            occurredAt: draft.occurredAt ?? now,
          }) as RecordedEvent,
      ),
    );
    void this.syncNow();
    return rows;
  }

  /** Sets a rejected event aside for good: the server audits the discard, then it leaves the outbox. */
  async discard(id: string, note?: string) {
    await this.rejectedRow(id);
    await this.transport.discard({ id, note });
    await this.db.outbox.delete(id);
  }

  /** Replaces a rejected event with a corrected one of the same moment; the rejected one is discarded. */
  async resubmit(id: string, corrected: SyncEventDraft, note = "Corrected and sent again"): Promise<OutboxRow> {
    const rejected = await this.rejectedRow(id);
    await this.transport.discard({ id, note });
    const row = await enqueue(
      this.db,
      {
        ...corrected,
        userId: rejected.userId,
        userName: rejected.userName,
        occurredAt: rejected.occurredAt,
      } as RecordedEvent,
      {
        replaces: id,
      },
    );
    void this.syncNow();
    return row;
  }

  private async rejectedRow(id: string) {
    const row = await this.db.outbox.get(id);
    if (row?.status !== "rejected") throw new Error("Only an event the server rejected can be discarded or corrected");
    return row;
  }

  /** Runs a sync now, or once more after the one in progress; resolves when done. Never rejects. */
  syncNow(): Promise<void> {
    if (!this.started) return Promise.resolve();
    if (this.running) {
      this.runAgain = true;
      return this.running;
    }
    this.running = this.runUntilSettled();
    return this.running;
  }

  /** Resolves once no sync is in progress, e.g. before signing out. */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async runUntilSettled() {
    try {
      do {
        this.runAgain = false;
        await this.attempt();
        // After a failure the backoff timer decides when to try again, whatever was queued meanwhile.
      } while (this.runAgain && this.started && this.failures === 0);
    } finally {
      // Synchronously with the last check above: a trigger arriving later starts a new run.
      this.running = null;
    }
  }

  private async attempt() {
    if (this.status.needsSignIn) return;
    this.clearTimer();
    if (!this.network.online()) {
      this.update({ offline: true });
      this.schedule(this.intervalMs);
      return;
    }
    this.update({ syncing: true });
    try {
      await (this.locks ? this.locks.request(SYNC_LOCK_NAME, () => this.pushAndPull()) : this.pushAndPull());
      this.failures = 0;
      const lastSyncedAt = new Date(this.clock.now());
      await setMeta(this.db, "lastSyncedAt", lastSyncedAt);
      this.update({ syncing: false, offline: false, lastError: null, lastSyncedAt });
      this.schedule(this.intervalMs);
    } catch (error) {
      const failure = asFailure(error);
      if (failure.kind === "unauthorized") {
        this.update({ syncing: false, needsSignIn: true, lastError: failure.message, nextAttemptAt: null });
        return;
      }
      this.failures += 1;
      this.update({ syncing: false, offline: failure.kind === "network", lastError: failure.message });
      this.schedule(this.retryDelay());
    }
  }

  private retryDelay() {
    const full = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (this.failures - 1));
    return Math.round(full / 2 + (full / 2) * this.random());
  }

  private async pushAndPull() {
    const deviceId = await deviceIdOf(this.db);
    const author = this.userId;
    for (;;) {
      if (!this.started) return;
      const batch = await nextBatch(this.db, author, { limit: this.batchSize, maxBytes: this.maxBatchBytes });
      if (batch.length === 0) break;
      const ids = batch.map((row) => row.id);
      let results: EventResult[];
      try {
        results = await this.transport.push({
          deviceId,
          author,
          deviceTime: new Date(this.clock.now()),
          events: batch.map(toWire),
        });
      } catch (error) {
        await this.db.outbox
          .where("id")
          .anyOf(ids)
          .modify((row) => void (row.attempts += 1));
        throw error;
      }
      await this.record(ids, results);
    }
    await this.pullCatalogue();
  }

  /** Applies the server's answers in one transaction; an event left unanswered stays pending. */
  private async record(ids: string[], results: EventResult[]) {
    const answers = new Map(results.map((result) => [result.id, result]));
    const acknowledged: string[] = [];
    const rejected: { id: string; reason: string }[] = [];
    const unanswered: string[] = [];
    for (const id of ids) {
      const answer = answers.get(id);
      if (!answer) unanswered.push(id);
      else if (answer.status === "rejected") rejected.push(answer);
      else acknowledged.push(id);
    }
    await this.db.transaction("rw", this.db.outbox, async () => {
      await this.db.outbox.bulkDelete(acknowledged);
      for (const { id, reason } of rejected) await this.db.outbox.update(id, { status: "rejected", reason });
      await this.db.outbox
        .where("id")
        .anyOf(unanswered)
        .modify((row) => void (row.attempts += 1));
    });
    // Otherwise the same batch would be sent again at once, forever.
    if (unanswered.length > 0) throw new SyncTransportError("server", "The server did not answer for every event");
  }

  private async pullCatalogue() {
    let cursor = (await getMeta(this.db, "catalogueCursor")) ?? null;
    for (;;) {
      const sentAt = this.clock.now();
      let page: CataloguePage;
      try {
        page = await this.transport.pullCatalogue({ cursor });
      } catch (error) {
        // A stored cursor the server no longer accepts (another version's format) would be refused on every
        // pull: start the catalogue again from nothing, since a first pull sends no deletions to merge.
        if (!(error instanceof SyncTransportError && error.kind === "refused" && cursor !== null)) throw error;
        await forgetCatalogue(this.db);
        cursor = null;
        continue;
      }
      // The server's answer was stamped somewhere between sending and receiving: take the middle.
      const clockOffsetMs = Math.round((sentAt + this.clock.now()) / 2 - page.serverTime.getTime());
      this.update({ clockOffsetMs });
      await mergeCataloguePage(this.db, page, this.userId);
      if (!page.more || !this.started) return;
      cursor = page.cursor;
    }
  }

  private watchCounts() {
    this.counts?.unsubscribe();
    const userId = this.userId;
    this.update({ counted: false });
    // Declared async so Dexie follows every await inside: a plain function returning the promise misses some.
    this.counts = liveQuery(async () => outboxCounts(this.db, userId)).subscribe({
      next: (counts) => this.update({ ...counts, counted: true }),
      error: (error: unknown) =>
        this.update({ lastError: error instanceof Error ? error.message : "The offline store failed" }),
    });
  }

  private schedule(ms: number) {
    this.clearTimer();
    if (!this.started) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      void this.syncNow();
    }, ms);
    this.update({ nextAttemptAt: new Date(this.clock.now() + ms) });
  }

  private clearTimer() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private update(change: Partial<SyncStatus>) {
    this.status = { ...this.status, ...change };
    for (const listener of this.listeners) listener(this.status);
  }
}
