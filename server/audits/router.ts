import {
  auditListSchema,
  auditRefSchema,
  cancelAuditSchema,
  registerUnknownSchema,
  resolveMissingSchema,
  startAuditSchema,
} from "../../lib/audits";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import { siteInventories } from "./inventory-due";
import {
  applyCorrections,
  cancelAudit,
  closeAudit,
  getAudit,
  listAudits,
  registerUnknown,
  resolveMissing,
  startAudit,
} from "./service";

/**
 * Scans are not here: each is the `audit.scanned` event a phone (or a desk) records and pushes through
 * `sync.push`, applied once, offline or not (server/sync/apply.ts).
 */
const run = capabilityProcedure("audits.run");

export const auditsRouter = router({
  list: backupReadProcedure.input(auditListSchema).query(({ ctx, input }) => listAudits(ctx.db, input)),
  get: backupReadProcedure.input(auditRefSchema).query(({ ctx, input }) => getAudit(ctx.db, input.id)),
  sites: backupReadProcedure.query(({ ctx }) => siteInventories(ctx.db)),
  start: run.input(startAuditSchema).mutation(({ ctx, input }) => startAudit(ctx.db, ctx.actor, input)),
  close: run.input(auditRefSchema).mutation(({ ctx, input }) => closeAudit(ctx.db, ctx.actor, input.id)),
  cancel: run
    .input(cancelAuditSchema)
    .mutation(({ ctx, input }) => cancelAudit(ctx.db, ctx.actor, input.id, input.reason)),
  applyCorrections: run
    .input(auditRefSchema)
    .mutation(({ ctx, input }) => applyCorrections(ctx.db, ctx.actor, input.id)),
  resolveMissing: run
    .input(resolveMissingSchema)
    .mutation(({ ctx, input }) => resolveMissing(ctx.db, ctx.actor, input)),
  registerUnknown: capabilityProcedure("catalogue.edit")
    .input(registerUnknownSchema)
    .mutation(({ ctx, input }) => registerUnknown(ctx.db, ctx.actor, input)),
});
