import { beforeAll, describe, expect, test } from "vitest";
import {
  CONSIGNMENT_STATES,
  CONSIGNMENT_STEPS,
  stepRefusal,
  type ConsignmentState,
  type ConsignmentStep,
} from "../../lib/consignments";
import { dispatchEvent, receiptEvent } from "../factories/sync-events";
import { callerFor, clientError, useTestApp } from "../helpers/app";
import { useConsignmentWorld } from "../helpers/consignments";
import { changedTables, fingerprint } from "../helpers/db-snapshot";

/** Planning a consignment and the steps before it leaves: numbering, the cartridges it may hold, approval. */
const app = useTestApp();
const world = useConsignmentWorld(app);

/** Runs a call that must be refused, checks it wrote nothing at all, and returns the error as a browser gets it. */
async function refused(call: () => Promise<unknown>, { except = [] as string[] } = {}) {
  const before = await fingerprint(app.db);
  const error = await clientError(call());
  const changed = changedTables(before, await fingerprint(app.db)).filter((table) => !except.includes(table));
  expect(changed, `a refused call (${error.message}) changed tables`).toEqual([]);
  return error;
}

const stateOf = async (id: string) => (await app.db.backupConsignment.findUniqueOrThrow({ where: { id } })).state;
const actionsOf = async (id: string) =>
  (
    await app.db.backupAuditLog.findMany({
      where: { entityType: "consignment", entityId: id },
      orderBy: { id: "asc" },
    })
  ).map((entry) => entry.action);

describe("planning", () => {
  test("a new consignment is a draft numbered C-<year>-NNNN in the order created, with its audit entry", async () => {
    const first = await world.draft(1);
    const second = await world.draft(2);
    const year = new Date().getUTCFullYear();
    expect(first.consignment).toMatchObject({ state: "draft", year, createdByName: "Sam Staff" });
    expect(first.consignment.number).toMatch(new RegExp(`^C-${year}-\\d{4}$`));
    expect(second.consignment.sequence).toBe(first.consignment.sequence + 1);
    expect(second.consignment.number).toBe(`C-${year}-${String(second.consignment.sequence).padStart(4, "0")}`);

    const [entry] = await app.db.backupAuditLog.findMany({
      where: { entityType: "consignment", entityId: second.consignment.id },
    });
    expect(entry).toMatchObject({ action: "create", actorName: "Sam Staff" });
    expect(entry!.changes).toMatchObject({
      number: { from: null, to: second.consignment.number },
      cartridges: { from: null, to: [...second.barcodes].sort() },
    });
  });

  test("numbers count per year: another year's consignments do not move this year's sequence", async () => {
    const year = new Date().getUTCFullYear();
    const latest = await world.draft(0);
    await app.db.backupConsignment.create({
      data: {
        number: `C-${year - 1}-0900`,
        year: year - 1,
        sequence: 900,
        fromSiteId: world.store.id,
        toSiteId: world.vault.id,
        createdByName: "Archive",
        state: "cancelled",
      },
    });
    const next = await world.draft(0);
    expect(next.consignment.number).toBe(`C-${year}-${String(latest.consignment.sequence + 1).padStart(4, "0")}`);
  });

  test("two consignments created at once take two consecutive numbers", async () => {
    const [mine, theirs] = await Promise.all([world.tapesAt(1), world.tapesAt(1)]);
    // On PostgreSQL the second comes through a client of its own, as a second app server would.
    const elsewhere = await callerFor(app.connect(), app.auth, world.otherStaff.headers);
    const plan = (tapeId: string) => ({ fromSiteId: world.store.id, toSiteId: world.vault.id, tapeIds: [tapeId] });
    const created = await Promise.all([
      world.staff.caller.consignments.create(plan(mine[0]!.id)),
      elsewhere.consignments.create(plan(theirs[0]!.id)),
    ]);
    const sequences = created.map((consignment) => consignment.sequence).sort((a, b) => a - b);
    expect(sequences[1]).toBe(sequences[0]! + 1);
    expect(new Set(created.map((consignment) => consignment.number)).size).toBe(2);
  });

  test("the expected cartridges must be at the site it leaves from", async () => {
    const [elsewhere] = await world.tapesAt(1, world.annex);
    const [here] = await world.tapesAt(1);
    const error = await refused(() =>
      world.staff.caller.consignments.create({
        fromSiteId: world.store.id,
        toSiteId: world.vault.id,
        tapeIds: [here!.id, elsewhere!.id],
      }),
    );
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toBe(`${elsewhere!.barcode} is not at Server room: log where it is first, or leave it out`);
  });

  test("a cartridge is in one open consignment at a time, and free again once it is cancelled", async () => {
    const first = await world.draft(1);
    const tapeId = first.tapes[0]!.id;
    const plan = { fromSiteId: world.store.id, toSiteId: world.annex.id, tapeIds: [tapeId] };
    const error = await refused(() => world.otherStaff.caller.consignments.create(plan));
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toBe(`${first.barcodes[0]} is already in consignment ${first.consignment.number}`);

    const other = await world.draft(1);
    const onEdit = await refused(() =>
      world.staff.caller.consignments.update({
        id: other.consignment.id,
        data: { ...plan, tapeIds: [other.tapes[0]!.id, tapeId] },
      }),
    );
    expect(onEdit.message).toBe(`${first.barcodes[0]} is already in consignment ${first.consignment.number}`);

    await world.staff.caller.consignments.cancel({ id: first.consignment.id, reason: "Planned twice" });
    const second = await world.otherStaff.caller.consignments.create(plan);
    expect(second.state).toBe("draft");
  });

  test("a consignment goes to another site than the one it leaves from", async () => {
    const [tape] = await world.tapesAt(1);
    const error = await refused(() =>
      world.staff.caller.consignments.create({
        fromSiteId: world.store.id,
        toSiteId: world.store.id,
        tapeIds: [tape!.id],
      }),
    );
    expect(error.data.fieldErrors?.toSiteId).toEqual([
      "A consignment goes to another site than the one it leaves from",
    ]);
  });

  test("editing a draft changes its fields and cartridges, with one audit entry saying what changed", async () => {
    const planned = await world.draft(2);
    const [added] = await world.tapesAt(1);
    const kept = planned.tapes[0]!;
    await world.staff.caller.consignments.update({
      id: planned.consignment.id,
      data: {
        fromSiteId: world.store.id,
        toSiteId: world.annex.id,
        containerId: "Case 9",
        tapeIds: [kept.id, added!.id],
      },
    });
    const after = await world.staff.caller.consignments.get({ id: planned.consignment.id });
    expect(after).toMatchObject({ toSiteId: world.annex.id, containerId: "Case 9", state: "draft" });
    expect(after.lines.map((line) => line.tape.barcode)).toEqual([kept.barcode, added!.barcode].sort());
    const update = after.history.at(-1)!;
    expect(update.action).toBe("update");
    expect(update.changes).toMatchObject({
      toSiteId: { from: world.vault.id, to: world.annex.id },
      containerId: { from: "Case 7", to: "Case 9" },
      cartridges: { from: [...planned.barcodes].sort(), to: [kept.barcode, added!.barcode].sort() },
    });
  });

  test("a draft with no cartridges expected is not submitted", async () => {
    const empty = await world.draft(0);
    const error = await refused(() => world.staff.caller.consignments.submit({ id: empty.consignment.id }));
    expect(error.message).toBe("Add the cartridges expected in the case first");
  });
});

describe("approval", () => {
  test("to an off-site site it waits for an approver; approved, it can be dispatched", async () => {
    const planned = await world.draft(1);
    const submitted = await world.staff.caller.consignments.submit({ id: planned.consignment.id });
    expect(submitted).toMatchObject({ state: "awaiting_approval", needsApproval: true });
    const decided = await world.approver.caller.consignments.approve({ id: planned.consignment.id });
    expect(decided).toMatchObject({ state: "approved", decidedByName: "Abe Approver" });
    expect(await actionsOf(planned.consignment.id)).toEqual(["create", "submit", "approve"]);
  });

  test("to an on-site site, or with the setting off, it is approved as it is submitted", async () => {
    const onSite = await world.draft(1, { to: world.annex });
    expect(await world.staff.caller.consignments.submit({ id: onSite.consignment.id })).toMatchObject({
      state: "approved",
      needsApproval: false,
    });

    await world.admin.caller.settings.update({ approvalForOffSite: false });
    try {
      const offSite = await world.draft(1);
      expect(await world.staff.caller.consignments.submit({ id: offSite.consignment.id })).toMatchObject({
        state: "approved",
        needsApproval: false,
      });
    } finally {
      await world.admin.caller.settings.update({ approvalForOffSite: true });
    }
  });

  test("nobody approves or rejects a consignment they created or submitted", async () => {
    // Created by the approver: another approver (the administrator) must decide.
    const own = await world.draft(1, { by: world.approver });
    await world.approver.caller.consignments.submit({ id: own.consignment.id });
    const created = await refused(() => world.approver.caller.consignments.approve({ id: own.consignment.id }));
    expect(created).toMatchObject({
      message: "Nobody approves their own consignment: another approver must",
      data: { code: "FORBIDDEN" },
    });

    // Created by staff, submitted by the approver.
    const planned = await world.draft(1);
    await world.approver.caller.consignments.submit({ id: planned.consignment.id });
    expect(
      (await refused(() => world.approver.caller.consignments.approve({ id: planned.consignment.id }))).message,
    ).toBe("Nobody approves their own consignment: another approver must");
    expect(
      (await refused(() => world.approver.caller.consignments.reject({ id: planned.consignment.id, reason: "No" })))
        .message,
    ).toBe("Nobody decides on their own consignment: another approver must");

    await world.admin.caller.consignments.approve({ id: own.consignment.id });
    expect(await stateOf(own.consignment.id)).toBe("approved");
  });

  test("staff without the approver mark, and couriers, cannot approve; couriers cannot plan either", async () => {
    const planned = await world.draft(1);
    await world.staff.caller.consignments.submit({ id: planned.consignment.id });
    const staff = await refused(() => world.otherStaff.caller.consignments.approve({ id: planned.consignment.id }));
    expect(staff).toMatchObject({
      message: "As staff you cannot approve consignments unless an administrator marks you as an approver",
      data: { code: "FORBIDDEN" },
    });
    const courier = await refused(() => world.courier.caller.consignments.approve({ id: planned.consignment.id }));
    expect(courier.message).toBe("As a courier you cannot approve consignments");
    const [tape] = await world.tapesAt(1);
    const create = await refused(() =>
      world.courier.caller.consignments.create({
        fromSiteId: world.store.id,
        toSiteId: world.vault.id,
        tapeIds: [tape!.id],
      }),
    );
    expect(create.message).toBe(
      "As a courier you cannot create, edit or cancel consignments, or resolve their incidents",
    );
    expect(await stateOf(planned.consignment.id)).toBe("awaiting_approval");
  });

  test("a rejection sends it back to draft with the reason, until it is submitted again", async () => {
    const planned = await world.draft(1);
    await world.staff.caller.consignments.submit({ id: planned.consignment.id });
    const rejected = await world.approver.caller.consignments.reject({
      id: planned.consignment.id,
      reason: "Use the Annex",
    });
    expect(rejected).toMatchObject({ state: "draft", rejectionReason: "Use the Annex", decidedByName: "Abe Approver" });
    const history = (await world.staff.caller.consignments.get({ id: planned.consignment.id })).history;
    expect(history.at(-1)).toMatchObject({
      action: "reject",
      changes: { state: { from: "awaiting_approval", to: "draft" }, reason: { from: null, to: "Use the Annex" } },
    });

    const again = await world.staff.caller.consignments.submit({ id: planned.consignment.id });
    expect(again).toMatchObject({ state: "awaiting_approval", rejectionReason: null });
  });
});

describe("the state machine", () => {
  /** One consignment in each state, each with its cartridges. */
  const inState = {} as Record<ConsignmentState, { id: string; tapeIds: string[]; barcodes: string[] }>;

  beforeAll(async () => {
    const of = (planned: Awaited<ReturnType<typeof world.draft>>) => ({
      id: planned.consignment.id,
      tapeIds: planned.tapes.map((tape) => tape.id),
      barcodes: planned.barcodes,
    });
    inState.draft = of(await world.draft(1));
    const awaiting = await world.draft(1);
    await world.staff.caller.consignments.submit({ id: awaiting.consignment.id });
    inState.awaiting_approval = of(awaiting);
    inState.approved = of(await world.approved(1));
    inState.in_transit = of(await world.inTransit(1));
    const received = await world.inTransit(1);
    await world.pushApplied(world.custodian, [receiptEvent(received.consignment.id, received.barcodes)]);
    inState.received = of(received);
    inState.received_with_discrepancies = of(await world.withIncidents(2));
    const cancelled = await world.draft(1);
    await world.staff.caller.consignments.cancel({ id: cancelled.consignment.id, reason: "Not needed" });
    inState.cancelled = of(cancelled);
    for (const [state, { id }] of Object.entries(inState)) expect(await stateOf(id), state).toBe(state);
  });

  /** Each step as its screen (or, for dispatch and receipt, a phone) takes it. */
  const STEP_CALLS: Partial<Record<ConsignmentStep, (target: (typeof inState)[ConsignmentState]) => Promise<unknown>>> =
    {
      edit: ({ id }) =>
        world.staff.caller.consignments.update({
          id,
          data: { fromSiteId: world.store.id, toSiteId: world.vault.id, notes: "Changed" },
        }),
      submit: ({ id }) => world.staff.caller.consignments.submit({ id }),
      approve: ({ id }) => world.approver.caller.consignments.approve({ id }),
      reject: ({ id }) => world.approver.caller.consignments.reject({ id, reason: "No" }),
      cancel: ({ id }) => world.staff.caller.consignments.cancel({ id, reason: "No longer needed" }),
      markFound: ({ id, tapeIds }) => world.staff.caller.consignments.markFound({ id, tapeIds: tapeIds.slice(-1) }),
    };

  const illegal = (Object.keys(CONSIGNMENT_STEPS) as ConsignmentStep[]).flatMap((step) =>
    CONSIGNMENT_STATES.filter((state) => stepRefusal(step, state) !== null).map((state) => ({ step, state })),
  );

  test.each(illegal.filter(({ step }) => STEP_CALLS[step]))(
    "$step from $state is refused with the reason, and nothing is written",
    async ({ step, state }) => {
      const error = await refused(() => STEP_CALLS[step]!(inState[state]));
      expect(error).toMatchObject({ message: stepRefusal(step, state), data: { code: "CONFLICT" } });
    },
  );

  test.each(illegal.filter(({ step }) => step === "dispatch"))(
    "a dispatch pushed for a consignment $state is rejected with the reason, and only the rejection is kept",
    async ({ state }) => {
      const target = inState[state];
      const event = dispatchEvent(target.id, target.barcodes);
      await refusedEvent(world.courier, event, stepRefusal("dispatch", state)!);
    },
  );

  test.each(["draft", "awaiting_approval", "cancelled"] as const)(
    "a receipt pushed for a consignment %s is rejected with the reason, and only the rejection is kept",
    async (state) => {
      const target = inState[state];
      await refusedEvent(world.custodian, receiptEvent(target.id, target.barcodes), stepRefusal("receive", state)!);
    },
  );

  test.each(["received", "received_with_discrepancies"] as const)(
    "a second receipt of a consignment %s is rejected naming who received it",
    async (state) => {
      const target = inState[state];
      await refusedEvent(
        world.staff,
        receiptEvent(target.id, target.barcodes, { receiverName: "Someone Else" }),
        new RegExp(
          `^C-\\d{4}-\\d{4} was already received by Vera Vault \\(signed by Vera Vault\\); this receipt was not applied$`,
        ),
      );
    },
  );

  test("declaring a cartridge lost waits for the receipt", async () => {
    for (const state of ["draft", "approved", "in_transit"] as const) {
      const target = inState[state];
      const error = await refused(() =>
        world.staff.caller.consignments.declareLost({ id: target.id, tapeId: target.tapeIds[0]!, reason: "Gone" }),
      );
      expect(error.message).toBe("A cartridge is declared lost once its consignment has been received");
    }
  });

  async function refusedEvent(
    who: typeof world.courier,
    event: ReturnType<typeof dispatchEvent>,
    reason: string | RegExp,
  ) {
    const before = await fingerprint(app.db);
    const [result] = await world.push(who, [event]);
    expect(result).toMatchObject({ id: event.id, status: "rejected" });
    expect((result as { reason: string }).reason).toMatch(
      typeof reason === "string" ? new RegExp(`^${reason.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : reason,
    );
    expect(changedTables(before, await fingerprint(app.db))).toEqual(["sync_event"]);
    expect(await app.db.syncEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      status: "rejected",
    });
  }
});
