import { recordCustodySchema } from "../../lib/tapes";
import { backupWriteProcedure, router } from "../trpc";
import { recordCustody } from "./service";

export const custodyRouter = router({
  record: backupWriteProcedure
    .input(recordCustodySchema)
    .mutation(({ ctx, input }) => recordCustody(ctx.db, ctx.actor, input)),
});
