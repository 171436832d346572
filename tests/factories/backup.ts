import type { Db } from "../../server/db";

let sequence = 0;

/** A valid LTO-8 label, different on every call. */
export function nextBarcode(): string {
  sequence += 1;
  return `T${sequence.toString().padStart(5, "0")}L8`;
}

export function createTape(db: Db, data: { barcode?: string } = {}) {
  return db.backupTapeCartridge.create({
    data: {
      barcode: data.barcode ?? nextBarcode(),
      mediaId: "L8",
      generation: 8,
      mediaType: "data",
      nativeCapacityBytes: 12_000_000_000_000n,
    },
  });
}

export function createJob(db: Db, data: { name?: string; retentionDays?: number } = {}) {
  const jobDate = new Date("2026-01-05T22:00:00Z");
  const retentionDays = data.retentionDays ?? 30;
  return db.backupJob.create({
    data: {
      name: data.name ?? "Nightly full",
      jobDate,
      retentionDays,
      expiresAt: new Date(jobDate.getTime() + retentionDays * 86_400_000),
    },
  });
}

export function createLocation(
  db: Db,
  tapeId: string,
  data: { isCurrent?: boolean; occurredAt?: Date; site?: string } = {},
) {
  return db.backupTapeLocation.create({
    data: {
      tapeId,
      kind: "on_site",
      site: data.site ?? "Server room",
      occurredAt: data.occurredAt ?? new Date(),
      recordedByName: "Factory",
      isCurrent: data.isCurrent ?? false,
    },
  });
}

export function createCustody(db: Db, tapeId: string) {
  return db.backupTapeCustody.create({
    data: {
      tapeId,
      fromParty: "Operations",
      toParty: "Courier",
      occurredAt: new Date(),
      signerName: "Carl Courier",
      recordedByName: "Factory",
    },
  });
}
