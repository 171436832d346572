import { createJobSchema, jobRefSchema, listJobsSchema, setSpanSchema, updateJobSchema } from "../../lib/jobs";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
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
  delete: capabilityProcedure("jobs.delete")
    .input(jobRefSchema)
    .mutation(({ ctx, input }) => deleteJob(ctx.db, ctx.actor, input.id)),
});
