import { createJobSchema, jobRefSchema, listJobsSchema, setSpanSchema, updateJobSchema } from "../../lib/jobs";
import { backupReadProcedure, backupWriteProcedure, router } from "../trpc";
import { createJob, deleteJob, deletePreview, getJob, listJobs, setSpan, updateJob } from "./service";

export const jobsRouter = router({
  list: backupReadProcedure.input(listJobsSchema).query(({ ctx, input }) => listJobs(ctx.db, input)),
  get: backupReadProcedure.input(jobRefSchema).query(({ ctx, input }) => getJob(ctx.db, input.id)),
  deletePreview: backupReadProcedure.input(jobRefSchema).query(({ ctx, input }) => deletePreview(ctx.db, input.id)),
  create: backupWriteProcedure.input(createJobSchema).mutation(({ ctx, input }) => createJob(ctx.db, ctx.actor, input)),
  update: backupWriteProcedure.input(updateJobSchema).mutation(({ ctx, input }) => updateJob(ctx.db, ctx.actor, input)),
  setSpan: backupWriteProcedure.input(setSpanSchema).mutation(({ ctx, input }) => setSpan(ctx.db, ctx.actor, input)),
  delete: backupWriteProcedure.input(jobRefSchema).mutation(({ ctx, input }) => deleteJob(ctx.db, ctx.actor, input.id)),
});
