import { beforeAll } from "vitest";
import type { EventResult } from "../../lib/sync/events";
import { createTape } from "../factories/backup";
import { auditScanEvent } from "../factories/sync-events";
import { signedInUser, type TestApp } from "./app";

type SignedIn = Awaited<ReturnType<typeof signedInUser>>;
type Site = { id: string; name: string; kind: "on_site" | "off_site" };

/**
 * The people and sites inventory audit tests share, made once per file (passwords are slow to hash): staff
 * who run audits, two couriers and a custodian who scan, a reader with read access only; an on-site store,
 * an off-site vault and a second on-site room. Each test takes fresh cartridges (and sites where it counts
 * what a site holds), so tests do not depend on each other. Read the fields inside tests and hooks only.
 */
export function useAuditWorld(app: TestApp) {
  const world = {} as {
    admin: SignedIn;
    staff: SignedIn;
    courier: SignedIn;
    otherCourier: SignedIn;
    custodian: SignedIn;
    reader: SignedIn;
    store: Site;
    vault: Site;
    annex: Site;
  };
  beforeAll(async () => {
    const admin = await signedInUser(app, { role: "admin", name: "Ada Admin" });
    Object.assign(world, {
      admin,
      reader: await signedInUser(app, { role: "staff", backupAccess: "read", name: "Rita Reader" }),
      staff: await signedInUser(app, { role: "staff", name: "Sam Staff" }),
      courier: await signedInUser(app, { role: "courier", name: "Carl Courier" }),
      otherCourier: await signedInUser(app, { role: "courier", name: "Dina Driver" }),
      custodian: await signedInUser(app, { role: "custodian", name: "Vera Vault" }),
      store: await admin.caller.sites.create({ name: "Server room", kind: "on_site" }),
      vault: await admin.caller.sites.create({ name: "Iron Vault", kind: "off_site", defaultCustodian: "Vera Vault" }),
      annex: await admin.caller.sites.create({ name: "Annex", kind: "on_site" }),
    });
  });

  /** A new site of its own, for tests that count everything a site holds. */
  const newSite = (name: string, kind: Site["kind"] = "on_site"): Promise<Site> =>
    world.admin.caller.sites.create({ name, kind });

  /** New cartridges logged a day ago at a site (the store unless told), on a shelf or in a locker if given. */
  async function tapesAt(count: number, site: Site = world.store, place: { shelf?: string; locker?: string } = {}) {
    const tapes = [];
    for (let index = 0; index < count; index++) {
      const tape = await createTape(app.db);
      await world.admin.caller.locations.log({
        tapeId: tape.id,
        kind: site.kind,
        siteId: site.id,
        ...place,
        occurredAt: new Date(Date.now() - 86_400_000),
      });
      tapes.push(tape);
    }
    return tapes;
  }

  /** Pushes one scan of each label from `who`'s phone; the results in order. */
  const scan = (who: SignedIn, auditId: string, barcodes: string[], deviceId = "phone-1"): Promise<EventResult[]> =>
    who.caller.sync.push({ deviceId, events: barcodes.map((barcode) => auditScanEvent(auditId, barcode)) });

  /** Scans and fails unless every scan applied: for the scans a test builds on rather than tests. */
  async function scanApplied(who: SignedIn, auditId: string, barcodes: string[]) {
    const refused = (await scan(who, auditId, barcodes)).filter((result) => result.status !== "applied");
    if (refused.length > 0) throw new Error(`Not applied: ${JSON.stringify(refused)}`);
  }

  return Object.assign(world, { newSite, tapesAt, scan, scanApplied });
}
