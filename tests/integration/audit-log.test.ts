import { describe, expect, test } from "vitest";
import { recordAudit } from "../../server/audit/service";
import { transaction } from "../../server/db/transaction";
import { nextBarcode } from "../factories/backup";
import { jobInput } from "../factories/jobs";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";

const app = useTestApp();

/** Every page of the log for these filters, following nextCursor until there is none. */
async function allPages(caller: Caller, filters: Parameters<Caller["audit"]["log"]>[0], limit: number) {
  const pages: Awaited<ReturnType<Caller["audit"]["log"]>>[] = [];
  let cursor: string | null = null;
  do {
    const page = await caller.audit.log({ ...filters, cursor, limit });
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe("audit.log", () => {
  test("pages through the whole log newest first, each entry once, naming what it is about", async () => {
    const { caller } = await signedInUser(app, { role: "admin", name: "Ada Admin" });
    const tape = await caller.tapes.register({ barcode: nextBarcode() });
    const job = await caller.jobs.create(jobInput({ name: "Weekly archive", tapeIds: [tape.id] }));
    for (const status of ["in_use", "full"] as const) {
      await caller.tapes.update({ id: tape.id, data: { status, tags: [] } });
    }
    await caller.locations.log({ tapeId: tape.id, kind: "on_site", site: "Server room" });
    const all = await app.db.backupAuditLog.findMany({ orderBy: { id: "desc" }, select: { id: true } });

    const pages = await allPages(caller, {}, 2);

    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual(all.map((row) => row.id.toString()));
    expect(pages.at(-1)!.nextCursor).toBeNull();
    const items = pages.flatMap((page) => page.items);
    expect(items.find((item) => item.entityType === "job")).toMatchObject({
      entityId: job.id,
      subject: "Weekly archive",
      action: "create",
      actor: { name: "Ada Admin" },
    });
    // A location entry is named by the cartridge it recorded.
    expect(items.find((item) => item.entityType === "location")).toMatchObject({ subject: tape.barcode });
  });

  test("filters by entity, action, who and when, together", async () => {
    const { caller, user } = await signedInUser(app, { role: "admin", name: "Filter Fiona" });
    const tape = await caller.tapes.register({ barcode: nextBarcode() });
    await caller.tapes.update({ id: tape.id, data: { status: "in_use", tags: [] } });
    const someoneElse = { id: null, name: "Other Oscar" };
    await transaction(app.db, async (tx) =>
      recordAudit(tx, { entityType: "tape", entityId: tape.id, action: "update", changes: {}, actor: someoneElse }),
    );

    const byFiona = await caller.audit.log({ entityType: "tape", action: "update", actor: "fiona" });
    expect(byFiona.items.map((item) => [item.entityId, item.actor])).toEqual([
      [tape.id, { id: user.id, name: "Filter Fiona" }],
    ]);
    expect((await caller.audit.log({ entityType: "job", actor: "fiona" })).items).toEqual([]);

    const written = byFiona.items[0]!.at;
    const around = { actor: "fiona", action: "update" };
    expect((await caller.audit.log({ ...around, from: written })).items).toHaveLength(1);
    expect((await caller.audit.log({ ...around, to: written })).items).toHaveLength(0);
    expect((await caller.audit.log({ ...around, from: new Date(written.getTime() + 1) })).items).toHaveLength(0);
    // An empty box filters nothing.
    expect((await caller.audit.log({ action: "", actor: "  " })).items.length).toBeGreaterThan(2);
  });

  test("a deleted cartridge is still named by the barcode its deletion recorded", async () => {
    const { caller } = await signedInUser(app, { role: "admin" });
    const tape = await caller.tapes.register({ barcode: nextBarcode() });
    await caller.tapes.delete({ id: tape.id });
    const { items } = await caller.audit.log({ entityType: "tape", action: "delete" });
    expect(items[0]).toMatchObject({ entityId: tape.id, subject: tape.barcode });
  });

  test("bad filters are refused with a clear message", async () => {
    const { caller } = await signedInUser(app, { role: "admin" });
    const backwards = await clientError(
      caller.audit.log({ from: new Date("2026-02-01T00:00:00Z"), to: new Date("2026-01-01T00:00:00Z") }),
    );
    expect(backwards.data.code).toBe("BAD_REQUEST");
    expect(backwards.message).toContain("“From” must be before “to”");
    expect((await clientError(caller.audit.log({ cursor: "abc" }))).data.code).toBe("BAD_REQUEST");
    expect((await clientError(caller.audit.log({ from: new Date(-62198755200001) }))).data.code).toBe("BAD_REQUEST");
  });
});

describe("audit.locations and audit.custody", () => {
  test("page through every entry in the order it happened, across pages", async () => {
    const { caller } = await signedInUser(app, { role: "staff" });
    const tape = await caller.tapes.register({ barcode: nextBarcode() });
    const times = [3, 1, 4, 2].map((day) => new Date(`2026-04-0${day}T12:00:00Z`));
    for (const occurredAt of times) {
      await caller.locations.log({ tapeId: tape.id, kind: "on_site", occurredAt });
      await caller.custody.record({ tapeId: tape.id, fromParty: "A", toParty: "B", signerName: "C", occurredAt });
    }
    const sorted = [...times].sort((a, b) => a.getTime() - b.getTime()).map((time) => time.toISOString());
    for (const list of [caller.audit.locations, caller.audit.custody]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ tapeId: tape.id, cursor, limit: 3 });
        seen.push(...page.items.map((item) => item.occurredAt.toISOString()));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(sorted);
    }
  });
});
