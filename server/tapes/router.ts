import { z } from "zod";
import { correctBarcodeSchema, registerAnyTapeSchema, tapeListSchema, updateTapeSchema } from "../../lib/tapes";
import { text } from "../../lib/text";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import {
  catalogueSummary,
  correctBarcode,
  deleteTape,
  findTapeByBarcode,
  getTape,
  listTapes,
  registerTape,
  returnToScratch,
  searchTapes,
  tapeDeletePreview,
  updateTape,
} from "./service";

const tapeId = z.uuid({ message: "Unknown cartridge" });

export const tapesRouter = router({
  summary: backupReadProcedure.query(({ ctx }) => catalogueSummary(ctx.db)),
  list: backupReadProcedure.input(tapeListSchema).query(({ ctx, input }) => listTapes(ctx.db, input)),
  search: backupReadProcedure
    .input(z.object({ query: text().trim().max(64), limit: z.number().int().min(1).max(50).default(10) }))
    .query(({ ctx, input }) => searchTapes(ctx.db, input.query, input.limit)),
  byBarcode: backupReadProcedure
    .input(z.object({ barcode: text().max(64) }))
    .query(({ ctx, input }) => findTapeByBarcode(ctx.db, input.barcode)),
  get: backupReadProcedure.input(z.object({ id: tapeId })).query(({ ctx, input }) => getTape(ctx.db, input.id)),
  register: capabilityProcedure("catalogue.edit")
    .input(registerAnyTapeSchema)
    .mutation(({ ctx, input }) => registerTape(ctx.db, ctx.actor, input)),
  update: capabilityProcedure("catalogue.edit")
    .input(z.object({ id: tapeId, data: updateTapeSchema }))
    .mutation(({ ctx, input }) => updateTape(ctx.db, ctx.actor, input.id, input.data)),
  correctBarcode: capabilityProcedure("catalogue.correct")
    .input(correctBarcodeSchema)
    .mutation(({ ctx, input }) => correctBarcode(ctx.db, ctx.actor, input)),
  returnToScratch: capabilityProcedure("catalogue.edit")
    .input(z.object({ id: tapeId }))
    .mutation(({ ctx, input }) => returnToScratch(ctx.db, ctx.actor, input.id)),
  deletePreview: backupReadProcedure
    .input(z.object({ id: tapeId }))
    .query(({ ctx, input }) => tapeDeletePreview(ctx.db, input.id)),
  delete: capabilityProcedure("catalogue.delete")
    .input(z.object({ id: tapeId }))
    .mutation(({ ctx, input }) => deleteTape(ctx.db, ctx.actor, input.id)),
});
