import {
  cancelConsignmentSchema,
  consignmentListSchema,
  consignmentRefSchema,
  consignmentsOfTapeSchema,
  createConsignmentSchema,
  declareLostSchema,
  markFoundSchema,
  rejectConsignmentSchema,
  resolveIncidentSchema,
  updateConsignmentSchema,
} from "../../lib/consignments";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import {
  approveConsignment,
  cancelConsignment,
  consignmentOverview,
  consignmentsOfTape,
  createConsignment,
  declareLost,
  getConsignment,
  listConsignments,
  markFound,
  rejectConsignment,
  resolveIncident,
  submitConsignment,
  updateConsignment,
} from "./service";

/**
 * Dispatch and receipt are not here: they are events a phone (or a desk) records and pushes through
 * `sync.push`, applied once each, offline or not (server/sync/apply.ts).
 */
const manage = capabilityProcedure("consignments.manage");
const approve = capabilityProcedure("consignments.approve");

export const consignmentsRouter = router({
  list: backupReadProcedure.input(consignmentListSchema).query(({ ctx, input }) => listConsignments(ctx.db, input)),
  get: backupReadProcedure.input(consignmentRefSchema).query(({ ctx, input }) => getConsignment(ctx.db, input.id)),
  ofTape: backupReadProcedure
    .input(consignmentsOfTapeSchema)
    .query(({ ctx, input }) => consignmentsOfTape(ctx.db, input.tapeId)),
  overview: backupReadProcedure.query(({ ctx }) => consignmentOverview(ctx.db)),
  create: manage
    .input(createConsignmentSchema)
    .mutation(({ ctx, input }) => createConsignment(ctx.db, ctx.actor, input)),
  update: manage
    .input(updateConsignmentSchema)
    .mutation(({ ctx, input }) => updateConsignment(ctx.db, ctx.actor, input.id, input.data)),
  submit: manage
    .input(consignmentRefSchema)
    .mutation(({ ctx, input }) => submitConsignment(ctx.db, ctx.actor, input.id)),
  cancel: manage
    .input(cancelConsignmentSchema)
    .mutation(({ ctx, input }) => cancelConsignment(ctx.db, ctx.actor, input.id, input.reason)),
  approve: approve
    .input(consignmentRefSchema)
    .mutation(({ ctx, input }) => approveConsignment(ctx.db, ctx.actor, input.id)),
  reject: approve
    .input(rejectConsignmentSchema)
    .mutation(({ ctx, input }) => rejectConsignment(ctx.db, ctx.actor, input.id, input.reason)),
  markFound: manage.input(markFoundSchema).mutation(({ ctx, input }) => markFound(ctx.db, ctx.actor, input)),
  declareLost: manage.input(declareLostSchema).mutation(({ ctx, input }) => declareLost(ctx.db, ctx.actor, input)),
  resolveIncident: manage
    .input(resolveIncidentSchema)
    .mutation(({ ctx, input }) => resolveIncident(ctx.db, ctx.actor, input)),
});
