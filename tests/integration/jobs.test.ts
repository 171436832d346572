import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, test } from "vitest";
import { DUPLICATE_TAPE_MESSAGE, JOB_SORTS } from "../../lib/jobs";
import type { Db } from "../../server/db";
import { createTape } from "../factories/backup";
import { jobInput } from "../factories/jobs";
import { clientError, signedInUser, useTestApp, type Caller } from "../helpers/app";
import { truncateAll } from "../helpers/test-db";

const app = useTestApp();

let writer: Caller;
let reader: Caller;

beforeEach(async () => {
  await truncateAll(app.db);
  writer = (await signedInUser(app, { role: "staff", name: "Wanda Writer" })).caller;
  reader = (await signedInUser(app, { role: "courier", backupAccess: "read" })).caller;
});

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

async function tapes(count: number) {
  return Promise.all(Array.from({ length: count }, () => createTape(app.db)));
}

/** The job's links as stored: barcodes in position order, with the positions themselves. */
async function storedSpan(db: Db, jobId: string) {
  const links = await db.backupJobTape.findMany({
    where: { jobId },
    orderBy: { position: "asc" },
    include: { tape: true },
  });
  return { barcodes: links.map((link) => link.tape.barcode), positions: links.map((link) => link.position) };
}

async function auditOf(jobId: string) {
  return app.db.backupAuditLog.findMany({ where: { entityType: "job", entityId: jobId }, orderBy: { id: "asc" } });
}

/** Everything a job write could touch, to show a refused write touched none of it. */
async function jobState(db: Db) {
  return {
    jobs: await db.backupJob.findMany({ orderBy: { id: "asc" } }),
    links: await db.backupJobTape.findMany({ orderBy: [{ jobId: "asc" }, { position: "asc" }] }),
    tapes: await db.backupTapeCartridge.count(),
    audit: await db.backupAuditLog.count(),
  };
}

describe("expiry", () => {
  test("is the job date plus the retention on create, and recomputed on every edit", async () => {
    const job = await writer.jobs.create(jobInput({ jobDate: day("2026-01-05"), retentionDays: 30 }));
    expect(job.expiresAt).toEqual(day("2026-02-04"));

    const edit = { ...jobInput(), id: job.id, name: job.name, tapeIds: [] };
    const moved = await writer.jobs.update({ ...edit, jobDate: day("2026-03-01"), retentionDays: 30 });
    expect(moved.expiresAt).toEqual(day("2026-03-31"));

    const longer = await writer.jobs.update({ ...edit, jobDate: day("2026-03-01"), retentionDays: 365 });
    expect(longer.expiresAt).toEqual(day("2027-03-01"));

    const none = await writer.jobs.update({ ...edit, jobDate: day("2026-03-01"), retentionDays: 0 });
    expect(none.expiresAt).toEqual(day("2026-03-01"));

    const stored = await app.db.backupJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stored).toMatchObject({ jobDate: day("2026-03-01"), retentionDays: 0, expiresAt: day("2026-03-01") });
    expect((await writer.jobs.get({ id: job.id })).expiresAt).toEqual(day("2026-03-01"));
  });

  test("retention outside 0..36,500 days is refused with its rule", async () => {
    for (const retentionDays of [-1, 36_501, 1.5]) {
      const error = await clientError(writer.jobs.create(jobInput({ retentionDays })));
      expect(error.data.code).toBe("BAD_REQUEST");
      expect(error.data.fieldErrors?.retentionDays?.[0]).toMatch(/Retention/);
    }
    expect(await app.db.backupJob.count()).toBe(0);
  });
});

describe("span", () => {
  test("keeps positions 1..n in the chosen order through create, reorder, add and remove", async () => {
    const [a, b, c, d] = await tapes(4);
    const job = await writer.jobs.create(jobInput({ tapeIds: [a!.id, b!.id, c!.id] }));
    expect(await storedSpan(app.db, job.id)).toEqual({
      barcodes: [a!.barcode, b!.barcode, c!.barcode],
      positions: [1, 2, 3],
    });

    await writer.jobs.setSpan({ jobId: job.id, tapeIds: [c!.id, a!.id, b!.id] });
    expect(await storedSpan(app.db, job.id)).toEqual({
      barcodes: [c!.barcode, a!.barcode, b!.barcode],
      positions: [1, 2, 3],
    });

    await writer.jobs.setSpan({ jobId: job.id, tapeIds: [c!.id, a!.id, b!.id, d!.id] });
    expect(await storedSpan(app.db, job.id)).toEqual({
      barcodes: [c!.barcode, a!.barcode, b!.barcode, d!.barcode],
      positions: [1, 2, 3, 4],
    });

    const span = await writer.jobs.setSpan({ jobId: job.id, tapeIds: [c!.id, b!.id, d!.id] });
    expect(span.map((tape) => tape.barcode)).toEqual([c!.barcode, b!.barcode, d!.barcode]);
    expect(await storedSpan(app.db, job.id)).toEqual({
      barcodes: [c!.barcode, b!.barcode, d!.barcode],
      positions: [1, 2, 3],
    });

    const detail = await writer.jobs.get({ id: job.id });
    expect(detail.tapes.map((tape) => [tape.id, tape.barcode, tape.status])).toEqual([
      [c!.id, c!.barcode, "empty"],
      [b!.id, b!.barcode, "empty"],
      [d!.id, d!.barcode, "empty"],
    ]);
  });

  test("concurrent span changes of one job apply one after the other", async () => {
    const [a, b, c] = await tapes(3);
    const job = await writer.jobs.create(jobInput({ tapeIds: [a!.id, b!.id, c!.id] }));
    const orders = [
      [c!, b!, a!],
      [b!, c!, a!],
      [a!, c!, b!],
      [c!, a!, b!],
    ];

    await Promise.all(
      orders.map((order) => writer.jobs.setSpan({ jobId: job.id, tapeIds: order.map((tape) => tape.id) })),
    );

    const stored = await storedSpan(app.db, job.id);
    expect(stored.positions).toEqual([1, 2, 3]);
    expect(orders.map((order) => order.map((tape) => tape.barcode))).toContainEqual(stored.barcodes);
    expect((await auditOf(job.id)).filter((entry) => entry.action === "span").length).toBeGreaterThanOrEqual(1);
  });

  test("an edit rewrites the span together with the fields", async () => {
    const [a, b, c] = await tapes(3);
    const job = await writer.jobs.create(jobInput({ tapeIds: [a!.id, b!.id] }));
    await writer.jobs.update({ ...jobInput(), id: job.id, name: "Renamed", tapeIds: [b!.id, c!.id, a!.id] });

    expect(await storedSpan(app.db, job.id)).toEqual({
      barcodes: [b!.barcode, c!.barcode, a!.barcode],
      positions: [1, 2, 3],
    });
    expect((await app.db.backupJob.findUniqueOrThrow({ where: { id: job.id } })).name).toBe("Renamed");
  });

  test("a cartridge twice in a span is refused with its message and nothing is written", async () => {
    const [a, b] = await tapes(2);
    const job = await writer.jobs.create(jobInput({ tapeIds: [a!.id] }));
    const before = await jobState(app.db);

    for (const call of [
      () => writer.jobs.create(jobInput({ tapeIds: [a!.id, b!.id, a!.id] })),
      () => writer.jobs.setSpan({ jobId: job.id, tapeIds: [b!.id, b!.id] }),
      () => writer.jobs.update({ ...jobInput(), id: job.id, tapeIds: [a!.id, a!.id] }),
    ]) {
      const error = await clientError(call());
      expect(error.data.code).toBe("BAD_REQUEST");
      expect(error.data.fieldErrors?.tapeIds).toEqual([DUPLICATE_TAPE_MESSAGE]);
    }
    expect(await jobState(app.db)).toEqual(before);
  });

  test("an unknown cartridge is refused, named, and nothing is written", async () => {
    const [a] = await tapes(1);
    const unknown = randomUUID();
    const job = await writer.jobs.create(jobInput({ name: "Keep me", tapeIds: [a!.id] }));
    const before = await jobState(app.db);

    const onCreate = await clientError(writer.jobs.create(jobInput({ tapeIds: [a!.id, unknown] })));
    expect(onCreate.data.code).toBe("BAD_REQUEST");
    expect(onCreate.message).toBe(`No cartridge with id ${unknown} is registered`);
    expect(onCreate.data.field).toBe("tapeIds");

    const onSpan = await clientError(writer.jobs.setSpan({ jobId: job.id, tapeIds: [unknown, a!.id] }));
    expect(onSpan.message).toContain(unknown);

    // The field changes of the same edit are rolled back with the span.
    await clientError(writer.jobs.update({ ...jobInput(), id: job.id, name: "Changed", tapeIds: [unknown] }));

    expect(await jobState(app.db)).toEqual(before);
  });

  test("a destroyed cartridge cannot be added, but one destroyed later may stay", async () => {
    const [a, b] = await tapes(2);
    const job = await writer.jobs.create(jobInput({ tapeIds: [a!.id] }));
    await app.db.backupTapeCartridge.updateMany({
      where: { id: { in: [a!.id, b!.id] } },
      data: { status: "destroyed" },
    });
    const before = await jobState(app.db);

    const error = await clientError(writer.jobs.setSpan({ jobId: job.id, tapeIds: [a!.id, b!.id] }));
    expect(error.data.code).toBe("CONFLICT");
    expect(error.message).toBe(`Cartridge ${b!.barcode} is destroyed and cannot be added to a job`);
    expect((await clientError(writer.jobs.create(jobInput({ tapeIds: [b!.id] })))).data.code).toBe("CONFLICT");
    expect(await jobState(app.db)).toEqual(before);

    await writer.jobs.update({
      ...jobInput(),
      id: job.id,
      notes: "Tape destroyed after the retention ended",
      tapeIds: [a!.id],
    });
    expect((await storedSpan(app.db, job.id)).barcodes).toEqual([a!.barcode]);
  });

  test("an unknown job is not found", async () => {
    const [a] = await tapes(1);
    const id = randomUUID();
    // One call at a time: promises made up front would reject before the loop awaits them.
    for (const call of [
      () => writer.jobs.get({ id }),
      () => writer.jobs.setSpan({ jobId: id, tapeIds: [a!.id] }),
      () => writer.jobs.update({ ...jobInput(), id }),
      () => writer.jobs.delete({ id }),
      () => writer.jobs.deletePreview({ id }),
    ]) {
      const error = await clientError(call());
      expect(error.data.code).toBe("NOT_FOUND");
      expect(error.message).toBe("Backup job was not found");
    }
  });
});

describe("delete", () => {
  test("removes the job and its bindings; the cartridges stay", async () => {
    const [a, b] = await tapes(2);
    const job = await writer.jobs.create(jobInput({ name: "Quarterly archive", tapeIds: [a!.id, b!.id] }));
    const other = await writer.jobs.create(jobInput({ tapeIds: [a!.id] }));

    expect(await writer.jobs.deletePreview({ id: job.id })).toEqual({
      id: job.id,
      name: "Quarterly archive",
      tapeCount: 2,
    });
    expect(await writer.jobs.delete({ id: job.id })).toEqual({ id: job.id, name: "Quarterly archive", tapeCount: 2 });

    expect(await app.db.backupJob.findUnique({ where: { id: job.id } })).toBeNull();
    expect(await app.db.backupJobTape.count({ where: { jobId: job.id } })).toBe(0);
    expect(await app.db.backupTapeCartridge.count({ where: { id: { in: [a!.id, b!.id] } } })).toBe(2);
    expect((await storedSpan(app.db, other.id)).barcodes).toEqual([a!.barcode]);
    expect((await clientError(writer.jobs.get({ id: job.id }))).data.code).toBe("NOT_FOUND");
  });
});

describe("audit", () => {
  test("every change writes one entry with its fields, and the entries outlive the job", async () => {
    const [a, b] = await tapes(2);
    const job = await writer.jobs.create(
      jobInput({
        name: "Payroll",
        jobDate: day("2026-01-05"),
        retentionDays: 30,
        totalBytes: 1_500_000_000_000n,
        tapeIds: [a!.id],
      }),
    );
    const edit = {
      ...jobInput(),
      id: job.id,
      name: "Payroll",
      jobDate: day("2026-01-05"),
      totalBytes: 1_500_000_000_000n,
      tapeIds: [a!.id],
    };
    await writer.jobs.update({ ...edit, retentionDays: 60, tapeIds: [a!.id, b!.id] });
    await writer.jobs.update({ ...edit, retentionDays: 60, tapeIds: [a!.id, b!.id] });
    await writer.jobs.setSpan({ jobId: job.id, tapeIds: [b!.id, a!.id] });
    await writer.jobs.setSpan({ jobId: job.id, tapeIds: [b!.id, a!.id] });
    await writer.jobs.delete({ id: job.id });

    const entries = await auditOf(job.id);
    expect(entries.map((entry) => entry.action)).toEqual(["create", "update", "span", "delete"]);
    expect(entries.every((entry) => entry.actorName === "Wanda Writer")).toBe(true);

    const [created, updated, span, deleted] = entries.map((entry) => entry.changes as Record<string, unknown>);
    expect(created).toMatchObject({
      name: { from: null, to: "Payroll" },
      jobDate: { from: null, to: "2026-01-05T00:00:00.000Z" },
      expiresAt: { from: null, to: "2026-02-04T00:00:00.000Z" },
      totalBytes: { from: null, to: "1500000000000" },
      verification: { from: null, to: "passed" },
      tapes: { from: null, to: [a!.barcode] },
    });
    expect(updated).toEqual({
      retentionDays: { from: 30, to: 60 },
      expiresAt: { from: "2026-02-04T00:00:00.000Z", to: "2026-03-06T00:00:00.000Z" },
      tapes: { from: [a!.barcode], to: [a!.barcode, b!.barcode] },
    });
    expect(span).toEqual({ tapes: { from: [a!.barcode, b!.barcode], to: [b!.barcode, a!.barcode] } });
    expect(deleted).toMatchObject({
      name: { from: "Payroll", to: null },
      tapes: { from: [b!.barcode, a!.barcode], to: null },
    });
  });
});

describe("read-only users", () => {
  test("are refused every write and nothing changes; they can still read", async () => {
    const [a, b] = await tapes(2);
    const job = await writer.jobs.create(jobInput({ tapeIds: [a!.id] }));
    const before = await jobState(app.db);

    const writes = {
      create: () => reader.jobs.create(jobInput({ tapeIds: [b!.id] })),
      update: () => reader.jobs.update({ ...jobInput(), id: job.id, tapeIds: [b!.id] }),
      setSpan: () => reader.jobs.setSpan({ jobId: job.id, tapeIds: [b!.id, a!.id] }),
      delete: () => reader.jobs.delete({ id: job.id }),
    };
    for (const [name, write] of Object.entries(writes)) {
      await expect(write(), name).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    expect(await jobState(app.db)).toEqual(before);

    expect((await reader.jobs.get({ id: job.id })).tapes).toHaveLength(1);
    expect((await reader.jobs.list({})).items.map((item) => item.id)).toEqual([job.id]);
  });
});

describe("listing", () => {
  /** 23 jobs with repeated dates and names, so the id tie-break is exercised on every sort. */
  async function seedJobs() {
    const names = ["alpha", "bravo", "charlie", "delta"];
    await app.db.backupJob.createMany({
      data: Array.from({ length: 23 }, (_, index) => ({
        name: names[index % names.length]!,
        jobDate: day(`2026-01-0${(index % 3) + 1}`),
        retentionDays: (index % 5) * 10,
        expiresAt: new Date(day(`2026-01-0${(index % 3) + 1}`).getTime() + (index % 5) * 10 * 86_400_000),
        sourceSystem: index % 2 ? "FileServer-East" : "db-west",
      })),
    });
  }

  async function allPages(input: Parameters<Caller["jobs"]["list"]>[0]) {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await writer.jobs.list({ ...input, cursor, limit: 4 });
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 50);
    return ids;
  }

  test("keyset pages return every job exactly once in the requested order", async () => {
    await seedJobs();
    for (const sort of JOB_SORTS) {
      for (const direction of ["asc", "desc"] as const) {
        const expected = await app.db.backupJob.findMany({
          orderBy: [{ [sort]: direction }, { id: direction }],
          select: { id: true },
        });
        const ids = await allPages({ sort, direction });
        expect(ids, `${sort} ${direction}`).toEqual(expected.map((job) => job.id));
        expect(new Set(ids).size).toBe(23);
      }
    }
  });

  test("dates come back in order and each row carries its tape count", async () => {
    await seedJobs();
    const [a, b] = await tapes(2);
    const spanned = await writer.jobs.create(jobInput({ jobDate: day("2026-02-01"), tapeIds: [a!.id, b!.id] }));
    const { items } = await writer.jobs.list({ sort: "jobDate", direction: "desc", limit: 100 });
    expect(items[0]).toMatchObject({ id: spanned.id, tapeCount: 2 });
    const times = items.map((item) => item.jobDate.getTime());
    expect(times).toEqual([...times].sort((x, y) => y - x));
  });

  test("search matches name or source system, case-insensitively, across pages", async () => {
    await seedJobs();
    const east = await allPages({ search: "fileserver-EAST", sort: "name", direction: "asc" });
    expect(east).toHaveLength(11);
    const byName = await allPages({ search: "CHAR", sort: "expiresAt", direction: "desc" });
    expect(byName).toHaveLength(6);
    // LIKE wildcards in the search are plain characters.
    const literal = await writer.jobs.create(jobInput({ name: "Restore test 100%_done" }));
    expect(await allPages({ search: "0%_", sort: "jobDate", direction: "asc" })).toEqual([literal.id]);
    expect(await allPages({ search: "_", sort: "jobDate", direction: "asc" })).toEqual([literal.id]);
  });

  test("the next page still follows after the last row shown was deleted", async () => {
    await seedJobs();
    const first = await writer.jobs.list({ sort: "name", direction: "asc", limit: 5 });
    await writer.jobs.delete({ id: first.items.at(-1)!.id });
    const second = await writer.jobs.list({ sort: "name", direction: "asc", limit: 5, cursor: first.nextCursor! });
    const expected = await app.db.backupJob.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }], skip: 4, take: 5 });
    expect(second.items.map((item) => item.id)).toEqual(expected.map((job) => job.id));
  });

  test("a cursor from another order is refused", async () => {
    await seedJobs();
    const { nextCursor } = await writer.jobs.list({ sort: "name", direction: "asc", limit: 5 });
    for (const other of [
      { sort: "jobDate", direction: "asc" },
      { sort: "name", direction: "desc" },
    ] as const) {
      const error = await clientError(writer.jobs.list({ ...other, cursor: nextCursor! }));
      expect(error.data.code).toBe("BAD_REQUEST");
      expect(error.message).toMatch(/made for another sort order/);
    }
    const garbage = await clientError(writer.jobs.list({ cursor: "not-a-cursor" }));
    expect(garbage.data.code).toBe("BAD_REQUEST");
    expect(garbage.message).toMatch(/page cursor is not valid/);
  });
});
