import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { auditEntityTypeSchema, auditLogSchema, auditPageSchema, eventLogSchema } from "../../lib/audit-log";
import { text } from "../../lib/text";
import { adminProcedure, backupReadProcedure, router } from "../trpc";
import { auditCheckpointSchema, createAuditCheckpoint, verifyAuditChain } from "./chain";
import { listAuditLog, listCustodyLog, listLocationLog } from "./log";
import { listAudit } from "./service";

const auditListSchema = z
  .object({
    entityType: auditEntityTypeSchema,
    entityId: text().min(1, "The entity id is missing").max(100, "The entity id must be at most 100 characters"),
  })
  .extend(auditPageSchema.shape);

export const auditRouter = router({
  list: backupReadProcedure.input(auditListSchema).query(({ ctx, input }) => {
    if (input.entityType === "user" && ctx.viewer.role !== "admin") {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators can see the history of user accounts" });
    }
    return listAudit(ctx.db, input);
  }),
  log: adminProcedure.input(auditLogSchema).query(({ ctx, input }) => listAuditLog(ctx.db, input)),
  locations: backupReadProcedure.input(eventLogSchema).query(({ ctx, input }) => listLocationLog(ctx.db, input)),
  custody: backupReadProcedure.input(eventLogSchema).query(({ ctx, input }) => listCustodyLog(ctx.db, input)),
  // The keyed hash chain: a full check, optionally against a checkpoint the admin kept, and new checkpoints.
  verifyChain: adminProcedure
    .input(z.object({ checkpoint: auditCheckpointSchema.optional() }).optional())
    .query(({ ctx, input }) => verifyAuditChain(ctx.db, { checkpoint: input?.checkpoint })),
  checkpoint: adminProcedure.query(({ ctx }) => createAuditCheckpoint(ctx.db)),
});
