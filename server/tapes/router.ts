import { backupReadProcedure, router } from "../trpc";
import { catalogueSummary } from "./service";

export const tapesRouter = router({
  summary: backupReadProcedure.query(({ ctx }) => catalogueSummary(ctx.db)),
});
