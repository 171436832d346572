import { catalogueSchema } from "../../lib/sync/catalogue";
import { discardSchema, pushSchema } from "../../lib/sync/events";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import { pullCatalogue } from "./catalogue";
import { discardEvent, pushEvents } from "./service";

export const syncRouter = router({
  push: capabilityProcedure("movements.record")
    .input(pushSchema)
    .mutation(({ ctx, input }) => pushEvents(ctx.db, ctx.viewer, input)),
  discard: capabilityProcedure("movements.record")
    .input(discardSchema)
    .mutation(({ ctx, input }) => discardEvent(ctx.db, ctx.viewer, input)),
  catalogue: backupReadProcedure.input(catalogueSchema).query(({ ctx, input }) => pullCatalogue(ctx.db, input)),
});
