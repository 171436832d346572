import type { Viewer } from "@/lib/users";
import { catalogueTables, forgetCatalogue } from "./catalogue-cache";
import { getMeta, setMeta, SyncDb } from "./outbox";

/**
 * Who the device's data belongs to: the user signed in on it, as the app shell shows them offline, with what
 * `can()` needs (role, access, approver mark) so offline screens offer what the server would accept.
 */
export type DeviceUser = Pick<Viewer, "id" | "name" | "role" | "backupAccess" | "approver">;

/**
 * Makes the device the signed-in user's. Another user's offline catalogue and sync time are dropped; the
 * events they queued stay theirs and wait for them.
 */
export function claimDevice(db: SyncDb, user: DeviceUser): Promise<void> {
  return db.transaction("rw", catalogueTables(db), async () => {
    const previous = await getMeta(db, "deviceUser");
    if (previous?.id !== user.id) await forgetCatalogue(db);
    const { id, name, role, backupAccess, approver } = user;
    await setMeta(db, "deviceUser", { id, name, role, backupAccess, approver });
  });
}

/** After sign-out: the device belongs to nobody, and keeps only the events still waiting for their authors. */
export function releaseDevice(db: SyncDb): Promise<void> {
  return db.transaction("rw", catalogueTables(db), async () => {
    await forgetCatalogue(db);
    await db.meta.delete("deviceUser");
  });
}

/** The user the device belongs to, if any; read by the app shell, which runs without a server. */
export async function deviceUser(): Promise<DeviceUser | null> {
  const db = new SyncDb();
  try {
    const stored = await getMeta(db, "deviceUser");
    // Claimed before the approver mark existed: unmarked, until the next online page claims it again.
    return stored ? { ...stored, approver: stored.approver ?? false } : null;
  } finally {
    db.close();
  }
}
