import { firstAdminSchema } from "../../lib/users";
import { publicProcedure, router } from "../trpc";
import { createFirstAdmin, setupStatus } from "./service";

export const setupRouter = router({
  status: publicProcedure.query(({ ctx }) => setupStatus(ctx.db, ctx.client.sameMachine)),
  createFirstAdmin: publicProcedure
    .input(firstAdminSchema)
    .mutation(({ ctx, input }) => createFirstAdmin(ctx.db, ctx.client.sameMachine, input)),
});
