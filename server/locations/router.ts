import { z } from "zod";
import { logLocationSchema } from "../../lib/tapes";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import { lastLocationDetails, logLocation } from "./service";

export const locationsRouter = router({
  log: capabilityProcedure("movements.record")
    .input(logLocationSchema)
    .mutation(({ ctx, input }) => logLocation(ctx.db, ctx.actor, input)),
  latestFor: backupReadProcedure
    .input(z.object({ tapeId: z.uuid({ message: "Unknown cartridge" }) }))
    .query(({ ctx, input }) => lastLocationDetails(ctx.db, input.tapeId)),
});
