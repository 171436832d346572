import { describe, expect, test } from "vitest";
import { recordAudit } from "../../server/audit/service";
import { transaction } from "../../server/db/transaction";
import { isUniqueViolation } from "../../server/errors";
import { createCustody, createJob, createLocation, createTape } from "../factories/backup";
import { useTestApp } from "../helpers/app";

const app = useTestApp();

/** The error a write fails with, so a test can say which rule refused it. */
async function failure(write: Promise<unknown>): Promise<unknown> {
  try {
    await write;
  } catch (error) {
    return error;
  }
  throw new Error("Expected the database to refuse the write, but it succeeded");
}

// The services turn these into clear conflicts only if Prisma reports them as unique violations.
const expectUniqueViolation = async (write: Promise<unknown>) => {
  const error = await failure(write);
  expect(isUniqueViolation(error), String(error)).toBe(true);
};

/** Both adapters pass a CHECK violation through as PostgreSQL's own error, with the constraint it broke. */
const expectCheckViolation = async (write: Promise<unknown>, constraint: string) => {
  const error = (await failure(write)) as { cause?: { code?: string; message?: string } };
  expect(error.cause?.code, String(error)).toBe("23514");
  expect(error.cause?.message).toContain(constraint);
};

describe("current location", () => {
  test("a cartridge has at most one current location", async () => {
    const tape = await createTape(app.db);
    await createLocation(app.db, tape.id, { isCurrent: true });

    await expectUniqueViolation(createLocation(app.db, tape.id, { isCurrent: true }));
    await expectUniqueViolation(
      app.db.backupTapeLocation.createMany({
        data: [0, 1].map(() => ({
          tapeId: tape.id,
          kind: "off_site" as const,
          occurredAt: new Date(),
          recordedByName: "Test",
          isCurrent: true,
        })),
      }),
    );
    expect(await app.db.backupTapeLocation.count({ where: { tapeId: tape.id, isCurrent: true } })).toBe(1);
  });

  test("history rows are not limited, and other cartridges have their own current location", async () => {
    const tape = await createTape(app.db);
    const other = await createTape(app.db);
    await createLocation(app.db, tape.id, { isCurrent: false });
    await createLocation(app.db, tape.id, { isCurrent: false });
    await createLocation(app.db, tape.id, { isCurrent: true });
    await createLocation(app.db, other.id, { isCurrent: true });

    expect(await app.db.backupTapeLocation.count({ where: { tapeId: tape.id } })).toBe(3);
  });

  test("moving the current flag works when the old row is cleared in the same transaction", async () => {
    const tape = await createTape(app.db);
    const old = await createLocation(app.db, tape.id, { isCurrent: true });

    await app.db.$transaction(async (tx) => {
      await tx.backupTapeLocation.update({ where: { id: old.id }, data: { isCurrent: false } });
      await tx.backupTapeLocation.create({
        data: { tapeId: tape.id, kind: "in_transit", occurredAt: new Date(), recordedByName: "Test", isCurrent: true },
      });
    });
    const current = await app.db.backupTapeLocation.findMany({ where: { tapeId: tape.id, isCurrent: true } });
    expect(current.map((row) => row.kind)).toEqual(["in_transit"]);
  });
});

describe("uniqueness and checks", () => {
  test("a barcode belongs to one cartridge", async () => {
    const tape = await createTape(app.db);
    await expectUniqueViolation(createTape(app.db, { barcode: tape.barcode }));
  });

  test("a job has one cartridge per position, and lists a cartridge once", async () => {
    const job = await createJob(app.db);
    const [first, second] = [await createTape(app.db), await createTape(app.db)];
    await app.db.backupJobTape.create({ data: { jobId: job.id, tapeId: first.id, position: 1 } });

    await expectUniqueViolation(
      app.db.backupJobTape.create({ data: { jobId: job.id, tapeId: second.id, position: 1 } }),
    );
    await expectUniqueViolation(
      app.db.backupJobTape.create({ data: { jobId: job.id, tapeId: first.id, position: 2 } }),
    );
    // Another job may use the same position.
    const otherJob = await createJob(app.db);
    await app.db.backupJobTape.create({ data: { jobId: otherJob.id, tapeId: second.id, position: 1 } });
  });

  test("an offline event applies once: its id is unique", async () => {
    const tape = await createTape(app.db);
    const eventId = "0190a000-0000-7000-8000-00000000e001";
    const event = {
      tapeId: tape.id,
      kind: "off_site" as const,
      occurredAt: new Date(),
      recordedByName: "Test",
      eventId,
    };
    await app.db.backupTapeLocation.create({ data: event });
    await expectUniqueViolation(app.db.backupTapeLocation.create({ data: event }));
  });

  test("negative retention, negative totals and position 0 are refused", async () => {
    const tape = await createTape(app.db);
    const jobsBefore = await app.db.backupJob.count();
    await expectCheckViolation(createJob(app.db, { retentionDays: -1 }), "backup_job_retention_days_check");
    const job = await createJob(app.db);
    await expectCheckViolation(
      app.db.backupJob.update({ where: { id: job.id }, data: { totalBytes: -1n } }),
      "backup_job_totals_check",
    );
    await expectCheckViolation(
      app.db.backupJobTape.create({ data: { jobId: job.id, tapeId: tape.id, position: 0 } }),
      "backup_job_tape_position_check",
    );

    expect(await app.db.backupJob.count()).toBe(jobsBefore + 1);
    expect(await app.db.backupJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ totalBytes: 0n });
    expect(await app.db.backupJobTape.count({ where: { jobId: job.id } })).toBe(0);
  });
});

describe("deletion", () => {
  test("deleting a cartridge removes its locations, custody events and job links, and keeps its audit trail", async () => {
    const tape = await createTape(app.db);
    const job = await createJob(app.db);
    await createLocation(app.db, tape.id, { isCurrent: false });
    await createLocation(app.db, tape.id, { isCurrent: true });
    await createCustody(app.db, tape.id);
    await app.db.backupJobTape.create({ data: { jobId: job.id, tapeId: tape.id, position: 1 } });
    await transaction(app.db, async (tx) =>
      recordAudit(tx, {
        entityType: "tape",
        entityId: tape.id,
        action: "create",
        changes: {},
        actor: { id: null, name: "Test" },
      }),
    );

    await app.db.backupTapeCartridge.delete({ where: { id: tape.id } });

    expect(await app.db.backupTapeLocation.count({ where: { tapeId: tape.id } })).toBe(0);
    expect(await app.db.backupTapeCustody.count({ where: { tapeId: tape.id } })).toBe(0);
    expect(await app.db.backupJobTape.count({ where: { tapeId: tape.id } })).toBe(0);
    expect(await app.db.backupJob.findUnique({ where: { id: job.id } })).not.toBeNull();
    expect(await app.db.backupAuditLog.count({ where: { entityType: "tape", entityId: tape.id } })).toBe(1);
  });

  test("deleting a job removes only the job and its links; the cartridges stay with their history", async () => {
    const job = await createJob(app.db);
    const tapes = [await createTape(app.db), await createTape(app.db)];
    for (const [index, tape] of tapes.entries()) {
      await app.db.backupJobTape.create({ data: { jobId: job.id, tapeId: tape.id, position: index + 1 } });
      await createLocation(app.db, tape.id, { isCurrent: true });
    }

    await app.db.backupJob.delete({ where: { id: job.id } });

    expect(await app.db.backupJobTape.count({ where: { jobId: job.id } })).toBe(0);
    const ids = tapes.map((tape) => tape.id);
    expect(await app.db.backupTapeCartridge.count({ where: { id: { in: ids } } })).toBe(2);
    expect(await app.db.backupTapeLocation.count({ where: { tapeId: { in: ids }, isCurrent: true } })).toBe(2);
  });
});
