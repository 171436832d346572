import {
  checkDestructionSchema,
  destructionListSchema,
  destructionOfTapeSchema,
  destructionRefSchema,
  recordDestructionSchema,
} from "../../lib/destruction";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import { checkDestruction, destructionOfTape, getDestruction, listDestructions, recordDestruction } from "./service";

/** Recording needs `destruction.record`; destroying data that has not expired also `destruction.override`. */
export const destructionRouter = router({
  check: backupReadProcedure
    .input(checkDestructionSchema)
    .query(({ ctx, input }) => checkDestruction(ctx.db, input.tapeIds, input.withVendor)),
  record: capabilityProcedure("destruction.record")
    .input(recordDestructionSchema)
    .mutation(({ ctx, input }) => recordDestruction(ctx.db, { ...ctx.viewer, ...ctx.actor }, input)),
  list: backupReadProcedure.input(destructionListSchema).query(({ ctx, input }) => listDestructions(ctx.db, input)),
  get: backupReadProcedure.input(destructionRefSchema).query(({ ctx, input }) => getDestruction(ctx.db, input.id)),
  ofTape: backupReadProcedure
    .input(destructionOfTapeSchema)
    .query(({ ctx, input }) => destructionOfTape(ctx.db, input.tapeId)),
});
