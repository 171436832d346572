import { jobImportSchema } from "../../lib/job-import";
import { createJobSchema, jobRefSchema, listJobsSchema, setSpanSchema, updateJobSchema } from "../../lib/jobs";
import { backupReadProcedure, capabilityProcedure, requireCapability, router } from "../trpc";
import { checkJobImport, importJobs } from "./import";
import { createJob, deleteJob, deletePreview, getJob, listJobs, setSpan, updateJob } from "./service";

export const jobsRouter = router({
  list: backupReadProcedure.input(listJobsSchema).query(({ ctx, input }) => listJobs(ctx.db, input)),
  get: backupReadProcedure.input(jobRefSchema).query(({ ctx, input }) => getJob(ctx.db, input.id)),
  deletePreview: backupReadProcedure.input(jobRefSchema).query(({ ctx, input }) => deletePreview(ctx.db, input.id)),
  create: capabilityProcedure("jobs.edit")
    .input(createJobSchema)
    .mutation(({ ctx, input }) => createJob(ctx.db, ctx.actor, input)),
  update: capabilityProcedure("jobs.edit")
    .input(updateJobSchema)
    .mutation(({ ctx, input }) => updateJob(ctx.db, ctx.actor, input)),
  setSpan: capabilityProcedure("jobs.edit")
    .input(setSpanSchema)
    .mutation(({ ctx, input }) => setSpan(ctx.db, ctx.actor, input)),
  // A mutation for the size of its input (a whole CSV file, too big for a query's URL); it writes nothing.
  checkImport: capabilityProcedure("jobs.edit")
    .input(jobImportSchema.omit({ fileName: true }))
    .mutation(({ ctx, input }) => {
      if (input.registerUnknown) requireCapability(ctx.viewer, "catalogue.edit");
      return checkJobImport(ctx.db, input);
    }),
  import: capabilityProcedure("jobs.edit")
    .input(jobImportSchema)
    .mutation(({ ctx, input }) => {
      if (input.registerUnknown) requireCapability(ctx.viewer, "catalogue.edit");
      return importJobs(ctx.db, ctx.actor, input);
    }),
  delete: capabilityProcedure("jobs.delete")
    .input(jobRefSchema)
    .mutation(({ ctx, input }) => deleteJob(ctx.db, ctx.actor, input.id)),
});
