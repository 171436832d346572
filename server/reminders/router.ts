import { backupReadProcedure, router } from "../trpc";
import { needsAttention } from "./attention";

export const remindersRouter = router({
  attention: backupReadProcedure.query(({ ctx }) => needsAttention(ctx.db)),
});
