import { liveQuery } from "dexie";
import { SyncDb } from "./outbox";
import { SyncEngine } from "./sync-loop";
import { createTrpcSyncTransport } from "./sync-transport";

/**
 * The outbox, its sync engine and IndexedDB's live queries, started for one user. Loaded on its own, after
 * the page is interactive, so the first load of a screen does not wait for the database library and the
 * event schemas.
 */
export function startFieldSync(userId: string) {
  const db = new SyncDb();
  const engine = new SyncEngine({ db, transport: createTrpcSyncTransport(), userId });
  void engine.start();
  return {
    db,
    engine,
    liveQuery,
    stop() {
      engine.stop();
      db.close();
    },
  };
}

export type FieldSync = ReturnType<typeof startFieldSync>;
