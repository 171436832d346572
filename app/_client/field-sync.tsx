"use client";

import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import type { DeviceUser } from "./device-user";
import type { FieldSync } from "./field-engine";
import type { SyncStatus } from "./sync-loop";

const FieldSyncContext = createContext<FieldSync | null>(null);

/**
 * One outbox and one sync engine per signed-in page, started on mount: events recorded on any screen go
 * to the device first and reach the server when it can be reached.
 */
export function FieldSyncProvider({ user, children }: { user: DeviceUser; children: ReactNode }) {
  const [sync, setSync] = useState<FieldSync | null>(null);
  const { id, name, role, backupAccess, approver } = user;
  useEffect(() => {
    // IndexedDB exists only in the browser: the engine is made after mount, so the server render and the
    // first client render agree (both without it).
    let started: FieldSync | null = null;
    let cancelled = false;
    void import("./field-engine").then(({ startFieldSync }) => {
      if (cancelled) return;
      started = startFieldSync({ id, name, role, backupAccess, approver });
      setSync(started);
    });
    return () => {
      cancelled = true;
      started?.stop();
      setSync(null);
    };
  }, [id, name, role, backupAccess, approver]);
  return <FieldSyncContext.Provider value={sync}>{children}</FieldSyncContext.Provider>;
}

/** The outbox and engine, or null until they are loaded (IndexedDB is only opened in the browser). */
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
