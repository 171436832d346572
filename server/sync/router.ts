import { catalogueSchema } from "../../lib/sync/catalogue";
import { discardSchema, pushSchema } from "../../lib/sync/events";
import { backupReadProcedure, backupWriteProcedure, router } from "../trpc";
import { pullCatalogue } from "./catalogue";
import { discardEvent, pushEvents } from "./service";

export const syncRouter = router({
  push: backupWriteProcedure.input(pushSchema).mutation(({ ctx, input }) => pushEvents(ctx.db, ctx.viewer, input)),
  discard: backupWriteProcedure
    .input(discardSchema)
    .mutation(({ ctx, input }) => discardEvent(ctx.db, ctx.viewer, input)),
  catalogue: backupReadProcedure.input(catalogueSchema).query(({ ctx, input }) => pullCatalogue(ctx.db, input)),
});
