import { z } from "zod";
import { DUPLICATE_TAPE_MESSAGE, JOB_DATE_RANGE, jobFieldsSchema, MAX_SPAN_TAPES } from "./jobs";
import { cartridgeBarcodeSchema } from "./tapes";

/**
 * A backup job as backup software reports it over the API: the job form's fields and rules, in what JSON
 * can carry (dates as ISO text, counts as numbers or digit strings, since a byte count passes 2^53), and
 * its cartridges by barcode in spanning order. The OpenAPI document is generated from this schema.
 */
const fields = jobFieldsSchema.shape;

const wholeNumber = (what: string, checked: z.ZodType<bigint, bigint>) =>
  z
    .union([z.int().min(0), z.string().regex(/^\d{1,19}$/)], {
      message: `${what} must be a whole number, as a number or a string of digits`,
    })
    .transform((value) => BigInt(value))
    .pipe(checked)
    .optional()
    .transform((value) => value ?? 0n);

export const reportedJobSchema = z.object({
  name: fields.name,
  jobDate: z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      message: "Give the job date as 2026-12-01 or 2026-12-01T22:00:00Z",
    })
    .transform((value) => new Date(value))
    .refine(...JOB_DATE_RANGE),
  retentionDays: fields.retentionDays,
  totalFiles: wholeNumber("totalFiles", fields.totalFiles.unwrap()),
  totalBytes: wholeNumber("totalBytes", fields.totalBytes.unwrap()),
  verification: fields.verification,
  sourceSystem: fields.sourceSystem,
  technician: fields.technician,
  notes: fields.notes,
  barcodes: z
    .array(cartridgeBarcodeSchema, { message: "List the job's cartridges by barcode, first to last" })
    .max(MAX_SPAN_TAPES, `A job can span at most ${MAX_SPAN_TAPES} cartridges`)
    .refine((labels) => new Set(labels.map((label) => label.barcode)).size === labels.length, DUPLICATE_TAPE_MESSAGE)
    .transform((labels) => labels.map((label) => label.barcode))
    .default([]),
});
export type ReportedJob = z.output<typeof reportedJobSchema>;

/** The backup software's name and its own id for the job, which together find the job again. */
export const externalJobRefSchema = z.object({
  externalSystem: z
    .string()
    .trim()
    .min(1, "Name the backup software")
    .max(60, "The backup software's name must be at most 60 characters")
    .regex(/^[A-Za-z0-9._-]+$/, "The backup software's name may hold letters, digits, dots, dashes and underscores"),
  externalId: z
    .string()
    .trim()
    .min(1, "Give the job's id in the backup software")
    .max(200, "The job's id must be at most 200 characters"),
});
export type ExternalJobRef = z.output<typeof externalJobRefSchema>;
