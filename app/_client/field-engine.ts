import { liveQuery } from "dexie";
import { claimDevice, type DeviceUser } from "./device-user";
import { SyncDb } from "./outbox";
import { SyncEngine } from "./sync-loop";
import { createTrpcSyncTransport } from "./sync-transport";

/**
 * The outbox, its sync engine and IndexedDB's live queries, started for one user. Loaded on its own, after
 * the page is interactive, so the first load of a screen does not wait for the database library and the
 * event schemas.
 */
export function startFieldSync(user: DeviceUser) {
  const db = new SyncDb();
  const engine = new SyncEngine({ db, transport: createTrpcSyncTransport(), userId: user.id, userName: user.name });
  let stopped = false;
  // The device is made the user's before anything is pulled for them.
  void claimDevice(db, user).then(() => {
    if (!stopped) void engine.start();
  });
  return {
    db,
    engine,
    liveQuery,
    stop() {
      stopped = true;
      engine.stop();
      db.close();
    },
  };
}

export type FieldSync = ReturnType<typeof startFieldSync>;
