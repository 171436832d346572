import { z } from "zod";
import type { ApiScope } from "../../lib/integrations";
import { externalJobRefSchema, reportedJobSchema } from "../../lib/job-report";
import { cursorSchema } from "../../lib/paging";
import { cartridgeBarcodeSchema, logLocationSchema, registerTapeSchema, tapeListSchema } from "../../lib/tapes";
import type { BackupJob, BackupTapeCartridge, BackupTapeLocation } from "../../generated/prisma/client";
import type { Db } from "../db";
import { getJob } from "../jobs/service";
import { recordReportedJob } from "../jobs/reported";
import { logLocation } from "../locations/service";
import type { Integration } from "../integrations/tokens";
import { findTapeByBarcode, getTape, listTapes, registerTape } from "../tapes/service";
import { ApiError } from "./errors";
import {
  apiJobReportResultSchema,
  apiLocationSchema,
  apiTapeDetailSchema,
  apiTapePageSchema,
  apiTapeSchema,
} from "./shapes";

type Json<S extends z.ZodType> = z.input<S>;

/** What a handler is given: its input, checked, and who is calling. */
type Call<P, Q, B> = { db: Db; integration: Integration; params: P; query: Q; body: B };

export type ApiRoute<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> = {
  method: "GET" | "POST" | "PUT";
  /** OpenAPI's path template, under /api/v1. */
  path: string;
  scope: ApiScope;
  summary: string;
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Successes with the schema of their body; refusals (always the one error shape) with a description only. */
  responses: Record<number, { description: string; schema?: z.ZodType }>;
  handle: (call: Call<z.output<P>, z.output<Q>, z.output<B>>) => Promise<{ status: number; body: unknown }>;
};

/**
 * A route, its handler typed by its own schemas. The table holds every route as one type: the handler
 * is only ever called with input those schemas have parsed (server/api/handler.ts).
 */
const route = <P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(definition: ApiRoute<P, Q, B>) =>
  definition as unknown as ApiRoute;

const iso = (date: Date) => date.toISOString();

function locationJson(location: BackupTapeLocation): Json<typeof apiLocationSchema> {
  return {
    id: location.id,
    kind: location.kind,
    siteId: location.siteId,
    site: location.site,
    shelf: location.shelf,
    locker: location.locker,
    slot: location.slot,
    custodian: location.custodian,
    serviceProvider: location.serviceProvider,
    occurredAt: iso(location.occurredAt),
    isCurrent: location.isCurrent,
  };
}

function tapeJson(tape: BackupTapeCartridge, currentLocation: BackupTapeLocation | null): Json<typeof apiTapeSchema> {
  return {
    id: tape.id,
    barcode: tape.barcode,
    generation: tape.generation,
    mediaType: tape.mediaType,
    nativeCapacityBytes: String(tape.nativeCapacityBytes),
    status: tape.status,
    tags: tape.tags,
    currentLocation: currentLocation && locationJson(currentLocation),
  };
}

function jobJson(job: BackupJob & { tapes: { barcode: string }[] }) {
  return {
    id: job.id,
    name: job.name,
    jobDate: iso(job.jobDate),
    retentionDays: job.retentionDays,
    expiresAt: iso(job.expiresAt),
    totalFiles: String(job.totalFiles),
    totalBytes: String(job.totalBytes),
    verification: job.verification,
    sourceSystem: job.sourceSystem,
    technician: job.technician,
    externalSystem: job.externalSystem,
    externalId: job.externalId,
    origin: job.origin,
    barcodes: job.tapes.map((tape) => tape.barcode),
  };
}

const barcodeParams = z.object({ barcode: cartridgeBarcodeSchema.transform((label) => label.barcode) });

/** The cartridge a path names, or 404 naming the barcode. */
async function tapeNamed(db: Db, barcode: string) {
  const found = await findTapeByBarcode(db, barcode);
  if (!found) throw new ApiError(404, "not_found", `No cartridge with barcode ${barcode} is registered`);
  return getTape(db, found.id);
}

/** The refusals every route may answer, in the one error shape. */
export const API_ERROR_RESPONSES = {
  400: "The input is not valid: each problem is in `details`",
  401: "No token, or one that is unknown, revoked or expired",
  403: "The token lacks the scope this needs",
  429: "Too many requests for this token: wait `Retry-After` seconds",
} as const;

export const API_ROUTES: ApiRoute[] = [
  route({
    method: "PUT",
    path: "/jobs/{externalSystem}/{externalId}",
    scope: "jobs:write",
    summary: "Report a backup job by the backup software's own id",
    description:
      "Creates the job, or updates the job reported before with the same backup software and id: reporting " +
      "a job twice never makes two. Its cartridges are listed by barcode in spanning order. Cartridges not " +
      "registered yet are registered on the way when the token also holds `tapes:write` (standard LTO labels " +
      "only); otherwise the request is refused with 422 naming them, and nothing is written.",
    params: externalJobRefSchema,
    body: reportedJobSchema,
    responses: {
      200: { description: "The job was reported before: updated (or unchanged)", schema: apiJobReportResultSchema },
      201: { description: "A new job", schema: apiJobReportResultSchema },
      422: {
        description: "Cartridges that are not registered and may not be registered by this token",
        schema: z.never(),
      },
    },
    async handle({ db, integration, params, body }) {
      const result = await recordReportedJob(db, integration, params, body, {
        registerUnknown: integration.scopes.includes("tapes:write"),
      });
      const job = await getJob(db, result.jobId);
      return {
        status: result.created ? 201 : 200,
        body: {
          created: result.created,
          changed: result.changed,
          registered: result.registered,
          job: jobJson(job),
        } satisfies Json<typeof apiJobReportResultSchema>,
      };
    },
  }),
  route({
    method: "GET",
    path: "/tapes",
    scope: "tapes:read",
    summary: "List cartridges, a page at a time",
    query: z.object({
      search: tapeListSchema.shape.search,
      status: tapeListSchema.shape.status,
      cursor: cursorSchema.optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
    }),
    responses: { 200: { description: "A page of cartridges, by barcode", schema: apiTapePageSchema } },
    async handle({ db, query }) {
      const page = await listTapes(db, tapeListSchema.parse(query));
      return {
        status: 200,
        body: {
          items: page.items.map((tape) => tapeJson(tape, tape.currentLocation)),
          nextCursor: page.nextCursor,
        } satisfies Json<typeof apiTapePageSchema>,
      };
    },
  }),
  route({
    method: "GET",
    path: "/tapes/{barcode}",
    scope: "tapes:read",
    summary: "Look up a cartridge by barcode",
    params: barcodeParams,
    responses: {
      200: { description: "The cartridge, where it is and its jobs", schema: apiTapeDetailSchema },
      404: { description: "No cartridge has this barcode" },
    },
    async handle({ db, params }) {
      const tape = await tapeNamed(db, params.barcode);
      return {
        status: 200,
        body: {
          ...tapeJson(tape, tape.locations.find((location) => location.isCurrent) ?? null),
          jobs: tape.jobs.map(({ job }) => ({
            id: job.id,
            name: job.name,
            jobDate: iso(job.jobDate),
            expiresAt: iso(job.expiresAt),
            externalSystem: job.externalSystem,
            externalId: job.externalId,
          })),
        } satisfies Json<typeof apiTapeDetailSchema>,
      };
    },
  }),
  route({
    method: "POST",
    path: "/tapes",
    scope: "tapes:write",
    summary: "Register a cartridge with a standard LTO label",
    body: registerTapeSchema.pick({ barcode: true, status: true, tags: true, notes: true }),
    responses: {
      201: { description: "The cartridge, registered", schema: apiTapeSchema },
      409: { description: "A cartridge with this barcode is registered already" },
    },
    async handle({ db, integration, body }) {
      const tape = await registerTape(db, integration.actor, body);
      return { status: 201, body: tapeJson(tape, null) };
    },
  }),
  route({
    method: "POST",
    path: "/tapes/{barcode}/locations",
    scope: "locations:write",
    summary: "Log where a cartridge is",
    description:
      "Recorded like a location logged on the cartridge's page: the latest by `occurredAt` (now, if left out) " +
      "is its current location.",
    params: barcodeParams,
    body: logLocationSchema.omit({ tapeId: true }),
    responses: {
      201: { description: "The location, recorded", schema: apiLocationSchema },
      404: { description: "No cartridge has this barcode" },
    },
    async handle({ db, integration, params, body }) {
      const found = await findTapeByBarcode(db, params.barcode);
      if (!found) throw new ApiError(404, "not_found", `No cartridge with barcode ${params.barcode} is registered`);
      const location = await logLocation(db, integration.actor, { ...body, tapeId: found.id });
      return { status: 201, body: locationJson(location) };
    },
  }),
];
