import { z } from "zod";
import { auditEntityTypeSchema, auditLogSchema, auditPageSchema, eventLogSchema } from "../../lib/audit-log";
import { text } from "../../lib/text";
import { refusal } from "../../lib/capabilities";
import { DomainError } from "../errors";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
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
    // A user account's history is part of managing users; the backup module's entities are every reader's.
    const refused = input.entityType === "user" ? refusal(ctx.viewer, "users.manage") : null;
    if (refused) throw new DomainError("FORBIDDEN", refused);
    return listAudit(ctx.db, input);
  }),
  log: capabilityProcedure("audit.review")
    .input(auditLogSchema)
    .query(({ ctx, input }) => listAuditLog(ctx.db, input)),
  locations: backupReadProcedure.input(eventLogSchema).query(({ ctx, input }) => listLocationLog(ctx.db, input)),
  custody: backupReadProcedure.input(eventLogSchema).query(({ ctx, input }) => listCustodyLog(ctx.db, input)),
  // The keyed hash chain: a full check, optionally against a checkpoint the admin kept, and new checkpoints.
  verifyChain: capabilityProcedure("audit.review")
    .input(z.object({ checkpoint: auditCheckpointSchema.optional() }).optional())
    .query(({ ctx, input }) => verifyAuditChain(ctx.db, { checkpoint: input?.checkpoint })),
  checkpoint: capabilityProcedure("system.administer").query(({ ctx }) => createAuditCheckpoint(ctx.db)),
});
