import { recordCustodySchema } from "../../lib/tapes";
import { capabilityProcedure, router } from "../trpc";
import { recordCustody } from "./service";

export const custodyRouter = router({
  record: capabilityProcedure("movements.record")
    .input(recordCustodySchema)
    .mutation(({ ctx, input }) => recordCustody(ctx.db, ctx.actor, input)),
});
