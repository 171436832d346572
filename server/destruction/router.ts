import {
  checkDestructionSchema,
  destructionListSchema,
  destructionOfTapeSchema,
  destructionRefSchema,
  recordDestructionSchema,
} from "../../lib/destruction";
import { backupReadProcedure, requireCapability, router, signedInProcedure } from "../trpc";
import { checkDestruction, destructionOfTape, getDestruction, listDestructions, recordDestruction } from "./service";

/**
 * Recording needs `destruction.record`; an override reason is an administrator's to give
 * (`destruction.override`), and without one the service refuses cartridges whose data has not expired.
 */
export const destructionRouter = router({
  check: backupReadProcedure
    .input(checkDestructionSchema)
    .query(({ ctx, input }) => checkDestruction(ctx.db, input.tapeIds, input.withVendor)),
  record: signedInProcedure
    .input(recordDestructionSchema)
    .use(({ ctx, input, next }) => {
      requireCapability(ctx.viewer, input.overrideReason ? "destruction.override" : "destruction.record");
      return next();
    })
    .mutation(({ ctx, input }) => recordDestruction(ctx.db, { ...ctx.viewer, ...ctx.actor }, input)),
  list: backupReadProcedure.input(destructionListSchema).query(({ ctx, input }) => listDestructions(ctx.db, input)),
  get: backupReadProcedure.input(destructionRefSchema).query(({ ctx, input }) => getDestruction(ctx.db, input.id)),
  ofTape: backupReadProcedure
    .input(destructionOfTapeSchema)
    .query(({ ctx, input }) => destructionOfTape(ctx.db, input.tapeId)),
});
