import { z } from "zod";
import { VERIFICATIONS } from "../../lib/jobs";
import { LOCATION_KINDS, TAPE_STATUSES } from "../../lib/vocabulary";

/** What the REST API answers, as JSON carries it: dates as ISO text, byte counts as digit strings. */
const moment = z.iso.datetime();
const digits = z.string().regex(/^\d+$/);

export const apiLocationSchema = z.object({
  id: z.string(),
  kind: z.enum(LOCATION_KINDS),
  siteId: z.string().nullable(),
  site: z.string().nullable(),
  shelf: z.string().nullable(),
  locker: z.string().nullable(),
  slot: z.string().nullable(),
  custodian: z.string().nullable(),
  serviceProvider: z.string().nullable(),
  occurredAt: moment,
  isCurrent: z.boolean(),
});

export const apiJobSchema = z.object({
  id: z.string(),
  name: z.string(),
  jobDate: moment,
  retentionDays: z.int(),
  expiresAt: moment,
  totalFiles: digits,
  totalBytes: digits,
  verification: z.enum(VERIFICATIONS),
  sourceSystem: z.string().nullable(),
  technician: z.string().nullable(),
  externalSystem: z.string().nullable(),
  externalId: z.string().nullable(),
  origin: z.enum(["manual", "integration", "import"]),
  barcodes: z.array(z.string()).meta({ description: "The job's cartridges, first to last" }),
});

export const apiTapeSchema = z.object({
  id: z.string(),
  barcode: z.string(),
  generation: z.int().nullable().meta({ description: "LTO generation; null for a non-standard label" }),
  mediaType: z.string(),
  nativeCapacityBytes: digits,
  status: z.enum([...TAPE_STATUSES, "destroyed"]),
  tags: z.array(z.string()),
  currentLocation: apiLocationSchema.nullable(),
});

export const apiTapeDetailSchema = apiTapeSchema.extend({
  jobs: z.array(
    apiJobSchema.pick({ id: true, name: true, jobDate: true, expiresAt: true, externalSystem: true, externalId: true }),
  ),
});

export const apiJobReportResultSchema = z.object({
  created: z.boolean(),
  changed: z.boolean().meta({ description: "Whether anything changed: false when the same job was reported again" }),
  registered: z.array(z.string()).meta({ description: "Cartridges registered on the way (needs tapes:write)" }),
  job: apiJobSchema,
});

export const apiTapePageSchema = z.object({
  items: z.array(apiTapeSchema),
  nextCursor: z.string().nullable().meta({ description: "Pass as `cursor` for the next page; null on the last" }),
});
