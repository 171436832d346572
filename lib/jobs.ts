import { z } from "zod";
import { cursorSchema } from "./paging";
import { text } from "./text";

export const VERIFICATIONS = ["passed", "failed", "partial", "not_verified"] as const;
export type Verification = (typeof VERIFICATIONS)[number];
export const VERIFICATION_LABEL: Record<Verification, string> = {
  passed: "Passed",
  failed: "Failed",
  partial: "Partial",
  not_verified: "Not verified",
};

const MAX_RETENTION_DAYS = 36_500;
export const MAX_SPAN_TAPES = 500;
export const DUPLICATE_TAPE_MESSAGE = "A cartridge can appear only once in a job's span";
// PostgreSQL BIGINT's upper bound: anything larger cannot be stored.
const MAX_BIGINT = 9_223_372_036_854_775_807n;
const DAY_MS = 86_400_000;

/** Retention counts whole days from the job date; UTC days have no DST gaps, so this is exact. */
export function expiryFor(jobDate: Date, retentionDays: number): Date {
  return new Date(jobDate.getTime() + retentionDays * DAY_MS);
}

export const SIZE_UNITS = ["KB", "MB", "GB", "TB", "PB"] as const;
export type SizeUnit = (typeof SIZE_UNITS)[number];
const UNIT_DIGITS: Record<SizeUnit, number> = { KB: 3, MB: 6, GB: 9, TB: 12, PB: 15 };

/**
 * A decimal size such as "1.5" TB in bytes, computed on the digits so no floating-point rounding creeps in
 * (1.1 TB is exactly 1,100,000,000,000 bytes).
 */
export function sizeToBytes(
  amount: string,
  unit: SizeUnit,
): { ok: true; bytes: bigint } | { ok: false; error: string } {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(amount.trim());
  const whole = match?.[1] ?? "";
  const fraction = match?.[2] ?? "";
  if (!match || whole + fraction === "") return { ok: false, error: `Enter the size as a number of ${unit}, e.g. 1.5` };
  const digits = UNIT_DIGITS[unit];
  if (fraction.replace(/0+$/, "").length > digits)
    return { ok: false, error: `The size is smaller than one byte; use a smaller unit than ${unit}` };
  return { ok: true, bytes: BigInt(whole + fraction.padEnd(digits, "0").slice(0, digits)) };
}

/** Bytes as the largest unit that keeps the amount at 1 or more, written exactly, for editing. */
export function bytesToSize(bytes: bigint): { amount: string; unit: SizeUnit } {
  const unit = [...SIZE_UNITS].reverse().find((candidate) => bytes >= 10n ** BigInt(UNIT_DIGITS[candidate])) ?? "KB";
  const text = bytes.toString().padStart(UNIT_DIGITS[unit] + 1, "0");
  const whole = text.slice(0, -UNIT_DIGITS[unit]);
  const fraction = text.slice(-UNIT_DIGITS[unit]).replace(/0+$/, "");
  return { amount: fraction ? `${whole}.${fraction}` : whole, unit };
}

const optionalText = (max: number, what: string) =>
  text()
    .trim()
    .max(max, `${what} must be at most ${max.toLocaleString("en")} characters`)
    // A parsed value (null) is valid input again, so a form can send what the schema gave it.
    .nullish()
    .transform((value) => value || null);

const count = (what: string) =>
  z
    .bigint({ message: `${what} must be a whole number` })
    .min(0n, `${what} cannot be negative`)
    .max(MAX_BIGINT, `${what} is too large`);

const jobIdSchema = z.uuid({ message: "Unknown backup job" });
export const jobRefSchema = z.object({ id: jobIdSchema });

/** The cartridges a job was written to, first to last. */
export const spanSchema = z
  .array(z.uuid({ message: "Unknown cartridge" }), { message: "Choose the job's cartridges" })
  .max(MAX_SPAN_TAPES, `A job can span at most ${MAX_SPAN_TAPES} cartridges`)
  .refine((ids) => new Set(ids).size === ids.length, DUPLICATE_TAPE_MESSAGE);

/** The years a job date may fall in, as a zod refinement. */
export const JOB_DATE_RANGE = [
  (date: Date) => date.getUTCFullYear() >= 1970 && date.getUTCFullYear() <= 2999,
  "The job date must be between 1970 and 2999",
] as const;

export const jobFieldsSchema = z.object({
  name: text().trim().min(1, "Enter the job's name").max(200, "The name must be at most 200 characters"),
  jobDate: z.coerce.date({ message: "Enter the job date" }).refine(...JOB_DATE_RANGE),
  retentionDays: z
    .number({ message: "Enter the retention in days" })
    .int("Retention must be a whole number of days")
    .min(0, "Retention cannot be negative")
    .max(MAX_RETENTION_DAYS, `Retention must be at most ${MAX_RETENTION_DAYS.toLocaleString("en")} days (100 years)`),
  totalFiles: count("Total files").default(0n),
  totalBytes: count("Total size").default(0n),
  verification: z
    .enum(VERIFICATIONS, { message: "Choose a verification result: passed, failed, partial or not verified" })
    .default("not_verified"),
  sourceSystem: optionalText(200, "Source system"),
  technician: optionalText(120, "Technician"),
  notes: optionalText(2000, "Notes"),
});

/** Where a job came from, in words: typed in, reported by an integration, or imported. */
export function jobOrigin(job: {
  origin: "manual" | "integration" | "import";
  apiToken: { name: string } | null;
  import: { fileName: string; createdByName: string } | null;
  externalSystem: string | null;
  externalId: string | null;
}): string {
  const external = job.externalSystem ? ` (${job.externalSystem} job ${job.externalId})` : "";
  switch (job.origin) {
    case "manual":
      return "Entered by hand";
    case "integration":
      return `Reported by the integration ${job.apiToken?.name ?? "(unknown)"}${external}`;
    case "import":
      return `Imported from ${job.import?.fileName ?? "a file"} by ${job.import?.createdByName ?? "someone"}${external}`;
  }
}

export const createJobSchema = jobFieldsSchema.extend({ tapeIds: spanSchema.default([]) });
export type CreateJobInput = z.input<typeof createJobSchema>;

/** Replaces every field and the span at once, as the edit form submits them. */
export const updateJobSchema = jobFieldsSchema.extend({ id: jobIdSchema, tapeIds: spanSchema });

export const setSpanSchema = z.object({ jobId: jobIdSchema, tapeIds: spanSchema });

export const JOB_SORTS = ["jobDate", "expiresAt", "name"] as const;
export type JobSort = (typeof JOB_SORTS)[number];

export const listJobsSchema = z.object({
  search: text().trim().max(200, "Search at most 200 characters").optional(),
  sort: z.enum(JOB_SORTS, { message: "Sort by job date, expiry or name" }).default("jobDate"),
  direction: z.enum(["asc", "desc"], { message: "Sort ascending or descending" }).default("desc"),
  cursor: cursorSchema.optional(),
  limit: z.number().int().min(1, "Ask for at least one job").max(500, "Ask for at most 500 jobs a page").default(50),
});
export type ListJobsOptions = z.output<typeof listJobsSchema>;
