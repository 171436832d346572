import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { AUDIT_ENTITY_TYPES, AUDIT_PAGE_DEFAULT, AUDIT_PAGE_MAX } from "../../lib/audit";
import { cursorSchema } from "../../lib/paging";
import { text } from "../../lib/text";
import { adminProcedure, backupReadProcedure, router } from "../trpc";
import { verifyAuditChain } from "./chain";
import { listAudit } from "./service";

const limitMessage = `The limit must be a whole number from 1 to ${AUDIT_PAGE_MAX}`;

const auditListSchema = z.object({
  entityType: z.enum(AUDIT_ENTITY_TYPES, {
    message: `The entity type must be one of ${AUDIT_ENTITY_TYPES.join(", ")}`,
  }),
  entityId: text().min(1, "The entity id is missing").max(100, "The entity id must be at most 100 characters"),
  cursor: cursorSchema.nullish(),
  limit: z
    .number({ message: limitMessage })
    .int(limitMessage)
    .min(1, limitMessage)
    .max(AUDIT_PAGE_MAX, limitMessage)
    .default(AUDIT_PAGE_DEFAULT),
});

export const auditRouter = router({
  list: backupReadProcedure.input(auditListSchema).query(({ ctx, input }) => {
    if (input.entityType === "user" && ctx.viewer.role !== "admin") {
      throw new TRPCError({ code: "FORBIDDEN", message: "Only administrators can see the history of user accounts" });
    }
    return listAudit(ctx.db, input);
  }),
  verifyChain: adminProcedure.query(({ ctx }) => verifyAuditChain(ctx.db)),
});
