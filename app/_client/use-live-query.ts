"use client";

import { useEffect, useState } from "react";
import { useFieldSync } from "./field-sync";
import type { SyncDb } from "./outbox";

/**
 * The result of a query of the device's outbox and cache, kept current as the data changes (in this tab or
 * another); undefined until the outbox is open.
 */
export function useLiveQuery<T>(query: (db: SyncDb) => Promise<T>, deps: unknown[]): T | undefined {
  const sync = useFieldSync();
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (!sync) return;
    const subscription = sync
      .liveQuery(() => query(sync.db))
      .subscribe({ next: setValue, error: (error) => console.error(error) });
    return () => subscription.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what the query depends on
  }, [sync, ...deps]);
  return value;
}
