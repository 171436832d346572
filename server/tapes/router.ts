import { registerTapeSchema } from "../../lib/tapes";
import { backupReadProcedure, backupWriteProcedure, router } from "../trpc";
import { catalogueSummary, recentTapes, registerTape } from "./service";

export const tapesRouter = router({
  summary: backupReadProcedure.query(({ ctx }) => catalogueSummary(ctx.db)),
  recent: backupReadProcedure.query(({ ctx }) => recentTapes(ctx.db)),
  register: backupWriteProcedure
    .input(registerTapeSchema)
    .mutation(({ ctx, input }) => registerTape(ctx.db, ctx.actor, input)),
});
