import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { auditTrailResponse } from "../../app/backup/audit/[entityType]/[id]/handler";
import type { AuditEntityType } from "../../lib/audit";
import { registerTapeSchema } from "../../lib/tapes";
import { listAudit, recordAudit, type Actor } from "../../server/audit/service";
import { transaction } from "../../server/db/transaction";
import { registerTape } from "../../server/tapes/service";
import { createJob, nextBarcode } from "../factories/backup";
import { BASE_URL, callerFor, clientError, requestHeaders, signedInUser, useTestApp } from "../helpers/app";

const app = useTestApp();
const someone: Actor = { id: null, name: "Sam Someone" };

/** Writes `count` more entries for one entity and returns the ids of all its entries, oldest first. */
async function writeEntries(
  entityType: AuditEntityType,
  entityId: string,
  count: number,
  actor = someone,
): Promise<string[]> {
  await transaction(app.db, async (tx) => {
    for (let n = 1; n <= count; n++) {
      recordAudit(tx, {
        entityType,
        entityId,
        action: "update",
        changes: { notes: { from: `v${n - 1}`, to: `v${n}` } },
        actor,
      });
    }
  });
  const rows = await app.db.backupAuditLog.findMany({
    where: { entityType, entityId },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  return rows.map((row) => row.id.toString());
}

/** Every page of an entity's history, following nextCursor until there is none. */
async function allPages(entityType: AuditEntityType, entityId: string, limit: number) {
  const pages: Awaited<ReturnType<typeof listAudit>>[] = [];
  let cursor: string | null = null;
  do {
    const page = await listAudit(app.db, { entityType, entityId, cursor, limit });
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  return pages;
}

describe("recordAudit", () => {
  test("entries are written when their transaction's work is done, in the order recorded, and not at all if it fails", async () => {
    const entityId = randomUUID();
    const entry = (n: number) => ({
      entityType: "tape" as const,
      entityId,
      action: "update" as const,
      changes: { notes: { from: null, to: `n${n}` } },
      actor: someone,
    });
    const countOf = () => app.db.backupAuditLog.count({ where: { entityType: "tape", entityId } });
    await transaction(app.db, async (tx) => {
      recordAudit(tx, entry(1), entry(2));
      recordAudit(tx, entry(3));
      expect(await tx.backupAuditLog.count({ where: { entityType: "tape", entityId } })).toBe(0);
    });
    const rows = await app.db.backupAuditLog.findMany({
      where: { entityType: "tape", entityId },
      orderBy: { id: "asc" },
    });
    expect(rows.map((row) => (row.changes as { notes: { to: string } }).notes.to)).toEqual(["n1", "n2", "n3"]);
    expect(rows.map((row) => Number(row.chainSeq! - rows[0]!.chainSeq!))).toEqual([0, 1, 2]);

    await expect(
      transaction(app.db, async (tx) => {
        recordAudit(tx, entry(4));
        throw new Error("the work failed");
      }),
    ).rejects.toThrow("the work failed");
    expect(await countOf()).toBe(3);
  });

  test("outside a transaction opened by transaction() it refuses the entry rather than lose it", async () => {
    const entityId = randomUUID();
    await expect(
      app.db.$transaction(async (tx) =>
        recordAudit(tx, { entityType: "tape", entityId, action: "update", changes: {}, actor: someone }),
      ),
    ).rejects.toThrow("Audit entries are recorded only in a transaction opened by transaction()");
    expect(await app.db.backupAuditLog.count({ where: { entityId } })).toBe(0);
  });
});

describe("listAudit", () => {
  test("pages through every entry of the entity exactly once, newest first, and nothing else", async () => {
    const entityId = randomUUID();
    // Entries of another cartridge, and of a job with the same id, are interleaved with the ones asked for.
    await writeEntries("tape", randomUUID(), 3);
    await writeEntries("tape", entityId, 12);
    await writeEntries("job", entityId, 4);
    const all = await writeEntries("tape", entityId, 11);

    const pages = await allPages("tape", entityId, 5);

    expect(pages.map((page) => page.items.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flatMap((page) => page.items.map((item) => item.id))).toEqual([...all].reverse());
    expect(pages.at(-1)?.nextCursor).toBeNull();
    expect(pages[0]!.items[0]).toMatchObject({
      action: "update",
      changes: { notes: { from: "v10", to: "v11" } },
      actor: { id: null, name: "Sam Someone" },
      at: expect.any(Date),
    });
  });

  test("a history that exactly fills its last page has no empty page after it", async () => {
    const entityId = randomUUID();
    await writeEntries("job", entityId, 10);
    const pages = await allPages("job", entityId, 5);
    expect(pages.map((page) => page.items.length)).toEqual([5, 5]);
    expect(pages[1]!.nextCursor).toBeNull();
  });

  test("entries written while someone pages do not shift or repeat what the next page holds", async () => {
    const entityId = randomUUID();
    const ids = await writeEntries("custody", entityId, 6);
    const first = await listAudit(app.db, { entityType: "custody", entityId, limit: 3 });
    await writeEntries("custody", entityId, 2);

    const second = await listAudit(app.db, { entityType: "custody", entityId, cursor: first.nextCursor, limit: 3 });
    expect(second.items.map((item) => item.id)).toEqual(ids.slice(0, 3).reverse());
  });

  test("a cursor of another list is refused, saying so", async () => {
    const entityId = randomUUID();
    await writeEntries("tape", entityId, 3);
    const { caller } = await signedInUser(app);
    await createJob(app.db);
    await createJob(app.db);
    const jobCursor = (await caller.jobs.list({ limit: 1 })).nextCursor!;
    const error = await clientError(caller.audit.list({ entityType: "tape", entityId, cursor: jobCursor }));
    expect(error.data.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/made for another sort order/);
  });

  test("an entity without entries has an empty page", async () => {
    expect(await listAudit(app.db, { entityType: "location", entityId: randomUUID(), limit: 20 })).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});

describe("audit.list", () => {
  test("signed out, it asks to sign in", async () => {
    const anonymous = await callerFor(app.db, app.auth, requestHeaders());
    await expect(anonymous.audit.list({ entityType: "tape", entityId: randomUUID() })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  test("the history of user accounts is for administrators only", async () => {
    const admin = await signedInUser(app, { role: "admin" });
    const { id } = await admin.caller.access.createUser({
      name: "Nina New",
      email: `nina-${randomUUID()}@example.test`,
      password: "tape-vault-2024-secure",
      role: "courier",
    });

    for (const role of ["staff", "courier", "custodian"] as const) {
      const { caller } = await signedInUser(app, { role });
      await expect(caller.audit.list({ entityType: "user", entityId: id }), role).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
    }
    const page = await admin.caller.audit.list({ entityType: "user", entityId: id });
    expect(page.items.map((item) => item.action)).toEqual(["create"]);
  });

  test("read-only users can read the backup module's history", async () => {
    const entityId = randomUUID();
    await writeEntries("job", entityId, 2);
    const { caller } = await signedInUser(app, { role: "courier", backupAccess: "read" });
    expect((await caller.audit.list({ entityType: "job", entityId })).items).toHaveLength(2);
  });

  test("pages hold 20 entries unless asked otherwise", async () => {
    const entityId = randomUUID();
    await writeEntries("tape", entityId, 21);
    const { caller } = await signedInUser(app);
    const page = await caller.audit.list({ entityType: "tape", entityId });
    expect(page.items).toHaveLength(20);
    expect(page.nextCursor).not.toBeNull();
  });

  test("refuses a limit outside 1–100, a cursor it did not issue, an unknown type and an over-long id", async () => {
    const { caller } = await signedInUser(app);
    const entityId = randomUUID();
    const invalid = [
      { entityType: "tape", entityId, limit: 0 },
      { entityType: "tape", entityId, limit: 101 },
      { entityType: "tape", entityId, limit: 1.5 },
      { entityType: "tape", entityId, cursor: "abc" },
      { entityType: "tape", entityId, cursor: "-1" },
      { entityType: "tape", entityId, cursor: "9".repeat(19) },
      // The bare entry ids older versions handed out, and an id beyond PostgreSQL's bigint.
      { entityType: "tape", entityId, cursor: "12" },
      {
        entityType: "tape",
        entityId,
        cursor: Buffer.from('["audit:id:desc","99999999999999999999"]').toString("base64url"),
      },
      { entityType: "cartridge", entityId },
      { entityType: "tape", entityId: "x".repeat(101) },
      { entityType: "tape", entityId: "" },
    ];
    for (const input of invalid) {
      const error = await clientError(caller.audit.list(input as Parameters<typeof caller.audit.list>[0]));
      expect(error.data.code, JSON.stringify(input)).toBe("BAD_REQUEST");
    }
  });
});

describe("GET /backup/audit/<entityType>/<id>", () => {
  type Body = {
    entityType: string;
    entityId: string;
    items: {
      id: string;
      action: string;
      changes: Record<string, { from: unknown; to: unknown }>;
      actor: { id: string | null; name: string };
      at: string;
    }[];
    nextCursor: string | null;
    message?: string;
  };

  /** Requests the path the way Next.js hands it to the route: the request, and the decoded path segments. */
  async function get(path: string, headers: Headers = requestHeaders()) {
    const url = new URL(path, BASE_URL);
    const [entityType = "", id = ""] = url.pathname.split("/").slice(3).map(decodeURIComponent);
    const response = await auditTrailResponse(
      new Request(url, { headers }),
      { entityType, id },
      { db: app.db, auth: app.auth },
    );
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    return { status: response.status, body: (await response.json()) as Body, headers: response.headers };
  }

  test("signed out it is 401, even for an entity that has entries", async () => {
    const entityId = randomUUID();
    await writeEntries("tape", entityId, 1);
    const response = await get(`/backup/audit/tape/${entityId}`);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "Sign in to continue" });
  });

  test("an unknown entity type is 404 with a message; user accounts are not served here", async () => {
    const admin = await signedInUser(app, { role: "admin" });
    for (const type of ["cartridge", "user", "TAPE"]) {
      const response = await get(`/backup/audit/${type}/${admin.user.id}`, admin.headers);
      expect(response.status, type).toBe(404);
      expect(response.body.message).toContain("tape, job, location, custody");
    }
  });

  test("an id without entries is an empty list", async () => {
    const { headers } = await signedInUser(app);
    const response = await get("/backup/audit/job/no-such-job", headers);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ entityType: "job", entityId: "no-such-job", items: [], nextCursor: null });
    expect(response.headers.get("cache-control")).toBe("no-store");
  });

  test("a registered cartridge's history, newest first, a page at a time", async () => {
    const { user, headers } = await signedInUser(app, { name: "Ana Archivist" });
    const actor = { id: user.id, name: user.name };
    const barcode = nextBarcode();
    const tape = await registerTape(app.db, actor, registerTapeSchema.parse({ barcode }));

    const registered = await get(`/backup/audit/tape/${tape.id}`, headers);
    expect(registered.status).toBe(200);
    expect(registered.body.items).toHaveLength(1);
    const [created] = registered.body.items;
    expect(created).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      action: "create",
      changes: {
        barcode: { from: null, to: barcode },
        status: { from: null, to: "empty" },
        nativeCapacityBytes: { from: null, to: "12000000000000" },
      },
      actor: { id: user.id, name: "Ana Archivist" },
    });
    expect(new Date(created!.at).toISOString()).toBe(created!.at);
    expect(Math.abs(Date.parse(created!.at) - Date.now())).toBeLessThan(60_000);

    await transaction(app.db, async (tx) => {
      recordAudit(tx, {
        entityType: "tape",
        entityId: tape.id,
        action: "update",
        changes: { status: { from: "empty", to: "in_use" } },
        actor,
      });
      recordAudit(tx, {
        entityType: "tape",
        entityId: tape.id,
        action: "update",
        changes: { status: { from: "in_use", to: "full" } },
        actor,
      });
    });

    const first = await get(`/backup/audit/tape/${tape.id}?limit=2`, headers);
    expect(first.body.items.map((item) => item.changes.status?.to)).toEqual(["full", "in_use"]);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await get(`/backup/audit/tape/${tape.id}?limit=2&cursor=${first.body.nextCursor}`, headers);
    expect(second.body.items.map((item) => item.id)).toEqual([created!.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  test("a read-only user can read it", async () => {
    const entityId = randomUUID();
    await writeEntries("location", entityId, 3);
    const { headers } = await signedInUser(app, { role: "custodian", backupAccess: "read" });
    const response = await get(`/backup/audit/location/${entityId}`, headers);
    expect(response.status).toBe(200);
    expect(response.body.items).toHaveLength(3);
  });

  test("a bad limit or cursor is 400 with the reason", async () => {
    const { headers } = await signedInUser(app);
    for (const query of ["limit=abc", "limit=0", "limit=101", "limit=", "cursor=abc", "cursor=0"]) {
      const response = await get(`/backup/audit/custody/${randomUUID()}?${query}`, headers);
      expect(response.status, query).toBe(400);
      expect(response.body.message, query).toMatch(/^The (limit must be|page cursor is not valid)/);
    }
  });
});
