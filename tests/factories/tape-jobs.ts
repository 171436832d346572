import type { Db } from "../../server/db";

const DAY_MS = 86_400_000;

/**
 * A job whose data expires at the given moment, written straight to the database so tests about
 * expiry do not depend on the job service. The job date is set back by the retention to keep
 * expiry = job date + retention true.
 */
export function createJobExpiring(db: Db, expiresAt: Date, data: { name?: string; retentionDays?: number } = {}) {
  const retentionDays = data.retentionDays ?? 30;
  return db.backupJob.create({
    data: {
      name: data.name ?? `Job expiring ${expiresAt.toISOString()}`,
      jobDate: new Date(expiresAt.getTime() - retentionDays * DAY_MS),
      retentionDays,
      expiresAt,
    },
  });
}

/** Puts a cartridge into a job's span at the given position. */
export function linkTape(db: Db, jobId: string, tapeId: string, position = 1) {
  return db.backupJobTape.create({ data: { jobId, tapeId, position } });
}

export const daysFromNow = (days: number, now = Date.now()) => new Date(now + days * DAY_MS);
