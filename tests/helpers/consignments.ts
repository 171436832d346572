import { beforeAll } from "vitest";
import type { EventResult, SyncEvent } from "../../lib/sync/events";
import { createTape } from "../factories/backup";
import { dispatchEvent, receiptEvent } from "../factories/sync-events";
import { callerFor, signedInUser, type TestApp } from "./app";

type SignedIn = Awaited<ReturnType<typeof signedInUser>>;
type Site = { id: string; name: string; kind: "on_site" | "off_site" };

/**
 * The people and sites consignment tests share, made once per file (passwords are slow to hash): staff who
 * plan consignments, an approver and an administrator to approve them, two couriers and a vault custodian;
 * an on-site store, an off-site vault and a second on-site room. Each test takes fresh cartridges, so tests
 * do not depend on each other. Read the fields inside tests and hooks only.
 */
export function useConsignmentWorld(app: TestApp) {
  const world = {} as {
    admin: SignedIn;
    staff: SignedIn;
    otherStaff: SignedIn;
    approver: SignedIn;
    courier: SignedIn;
    otherCourier: SignedIn;
    custodian: SignedIn;
    store: Site;
    vault: Site;
    annex: Site;
  };
  beforeAll(async () => {
    const admin = await signedInUser(app, { role: "admin", name: "Ada Admin" });
    const marked = await signedInUser(app, { role: "staff", name: "Abe Approver" });
    await admin.caller.access.setApprover({ userId: marked.user.id, approver: true });
    // A caller knows its user as they were when it was made: this one is made after the mark.
    const approver = { ...marked, caller: await callerFor(app.db, app.auth, marked.headers) };
    Object.assign(world, {
      admin,
      approver,
      staff: await signedInUser(app, { role: "staff", name: "Sam Staff" }),
      otherStaff: await signedInUser(app, { role: "staff", name: "Olga Other" }),
      courier: await signedInUser(app, { role: "courier", name: "Carl Courier" }),
      otherCourier: await signedInUser(app, { role: "courier", name: "Dina Driver" }),
      custodian: await signedInUser(app, { role: "custodian", name: "Vera Vault" }),
      store: await admin.caller.sites.create({ name: "Server room", kind: "on_site" }),
      vault: await admin.caller.sites.create({ name: "Iron Vault", kind: "off_site", defaultCustodian: "Vera Vault" }),
      annex: await admin.caller.sites.create({ name: "Annex", kind: "on_site" }),
    });
  });

  /** New cartridges logged at a site (the store unless told). */
  async function tapesAt(count: number, site: Site = world.store) {
    const tapes = [];
    for (let index = 0; index < count; index++) {
      const tape = await createTape(app.db);
      await world.admin.caller.locations.log({
        tapeId: tape.id,
        kind: site.kind,
        siteId: site.id,
        occurredAt: new Date(Date.now() - 86_400_000),
      });
      tapes.push(tape);
    }
    return tapes;
  }

  /** A draft by staff from the store to the vault (unless told) with `count` new cartridges expected. */
  async function draft(count = 2, { to = world.vault, by = world.staff }: { to?: Site; by?: SignedIn } = {}) {
    const tapes = await tapesAt(count);
    const consignment = await by.caller.consignments.create({
      fromSiteId: world.store.id,
      toSiteId: to.id,
      containerId: "Case 7",
      tapeIds: tapes.map((tape) => tape.id),
    });
    return { consignment, tapes, barcodes: tapes.map((tape) => tape.barcode) };
  }

  /** Submitted by its author and approved by the approver. */
  async function approved(count = 2, options: Parameters<typeof draft>[1] = {}) {
    const planned = await draft(count, options);
    await (options.by ?? world.staff).caller.consignments.submit({ id: planned.consignment.id });
    await world.approver.caller.consignments.approve({ id: planned.consignment.id });
    return planned;
  }

  const push = (who: SignedIn, events: SyncEvent[], deviceId = "phone-1"): Promise<EventResult[]> =>
    who.caller.sync.push({ deviceId, events });

  /** Pushes and fails unless every event applied: for the steps a test builds on rather than tests. */
  async function pushApplied(who: SignedIn, events: SyncEvent[]) {
    const results = await push(who, events);
    const refused = results.filter((result) => result.status !== "applied");
    if (refused.length > 0) throw new Error(`Not applied: ${JSON.stringify(refused)}`);
  }

  /** Approved and dispatched by the courier with every expected cartridge scanned. */
  async function inTransit(count = 2, fields: Parameters<typeof dispatchEvent>[2] = {}) {
    const planned = await approved(count);
    await pushApplied(world.courier, [dispatchEvent(planned.consignment.id, planned.barcodes, fields)]);
    return planned;
  }

  /** In transit, then received by the custodian with the last cartridge missing and the seal found broken. */
  async function withIncidents(count = 2) {
    const planned = await inTransit(count);
    await pushApplied(world.custodian, [
      receiptEvent(planned.consignment.id, planned.barcodes.slice(0, -1), {
        sealIntact: false,
        sealDiscrepancy: "The seal was cut",
      }),
    ]);
    return { ...planned, missing: planned.tapes.at(-1)! };
  }

  return Object.assign(world, { tapesAt, draft, approved, push, pushApplied, inTransit, withIncidents });
}
