import {
  recallJobSchema,
  recallRefSchema,
  recallsOfSchema,
  recallTapeSchema,
  rotationListSchema,
} from "../../lib/rotation";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import { cancelRecall, listRotation, openRecalls, recallJob, recallTape, rotationOverview } from "./service";

/** Rows of each list the overview shows before its link to the full list. */
const OVERVIEW_ROWS = 5;

export const rotationRouter = router({
  overview: backupReadProcedure.query(({ ctx }) => rotationOverview(ctx.db, OVERVIEW_ROWS)),
  list: backupReadProcedure.input(rotationListSchema).query(({ ctx, input }) => listRotation(ctx.db, input)),
  recalls: backupReadProcedure.input(recallsOfSchema).query(({ ctx, input }) => openRecalls(ctx.db, input)),
  recallTape: capabilityProcedure("rotation.recall")
    .input(recallTapeSchema)
    .mutation(({ ctx, input }) => recallTape(ctx.db, ctx.actor, input)),
  recallJob: capabilityProcedure("rotation.recall")
    .input(recallJobSchema)
    .mutation(({ ctx, input }) => recallJob(ctx.db, ctx.actor, input)),
  cancelRecall: capabilityProcedure("rotation.recall")
    .input(recallRefSchema)
    .mutation(({ ctx, input }) => cancelRecall(ctx.db, ctx.actor, input)),
});
