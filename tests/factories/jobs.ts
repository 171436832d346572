import type { CreateJobInput } from "../../lib/jobs";

let sequence = 0;

/** A valid job as the form submits it (so also the fields of an edit); each call gets its own name. */
export function jobInput(overrides: Partial<CreateJobInput> = {}): CreateJobInput & { tapeIds: string[] } {
  sequence += 1;
  return {
    name: `Nightly full ${sequence}`,
    jobDate: new Date("2026-01-05T00:00:00Z"),
    retentionDays: 30,
    totalFiles: 120_000n,
    totalBytes: 3_500_000_000_000n,
    verification: "passed",
    sourceSystem: "fileserver-01",
    technician: "Tess Tech",
    tapeIds: [],
    ...overrides,
  };
}
