"use client";

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { SyncDb } from "./outbox";
import { SyncEngine, type SyncStatus } from "./sync-loop";
import { createTrpcSyncTransport } from "./sync-transport";

type FieldSync = { db: SyncDb; engine: SyncEngine };

const FieldSyncContext = createContext<FieldSync | null>(null);

/**
 * One outbox and one sync engine per signed-in page, started on mount: events recorded on any screen go
 * to the device first and reach the server when it can be reached.
 */
export function FieldSyncProvider({ userId, children }: { userId: string; children: ReactNode }) {
  const [sync, setSync] = useState<FieldSync | null>(null);
  useEffect(() => {
    const db = new SyncDb();
    const engine = new SyncEngine({ db, transport: createTrpcSyncTransport(), userId });
    // IndexedDB exists only in the browser: the engine is made after mount, so the server render and the
    // first client render agree (both without it).
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setSync({ db, engine });
    void engine.start();
    return () => {
      engine.stop();
      db.close();
    };
  }, [userId]);
  return <FieldSyncContext.Provider value={sync}>{children}</FieldSyncContext.Provider>;
}

/** The outbox and engine, or null during the first render (IndexedDB is only opened in the browser). */
export function useFieldSync(): FieldSync | null {
  return useContext(FieldSyncContext);
}

const noStatus = () => () => {};

export function useSyncStatus(): SyncStatus | null {
  const sync = useFieldSync();
  return useSyncExternalStore(
    sync ? (onChange) => sync.engine.subscribe(onChange) : noStatus,
    () => (sync ? sync.engine.getStatus() : null),
    () => null,
  );
}
