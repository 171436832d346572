import { z } from "zod";
import { changePasswordSchema } from "../../lib/password";
import { accessLevelSchema, newUserSchema, roleSchema } from "../../lib/users";
import { capabilityProcedure, router, signedInProcedure } from "../trpc";
import {
  changeOwnPassword,
  createUser,
  listUsers,
  setApprover,
  setBackupAccess,
  setUserActive,
  setUserRole,
} from "./service";

const userId = z.string().uuid({ message: "Unknown user" });

export const accessRouter = router({
  me: signedInProcedure.query(({ ctx }) => ctx.viewer),
  changePassword: signedInProcedure
    .input(changePasswordSchema)
    .mutation(({ ctx, input }) =>
      changeOwnPassword(ctx.db, { id: ctx.viewer.id, name: ctx.viewer.name }, ctx.sessionToken, input),
    ),
  listUsers: capabilityProcedure("users.manage").query(({ ctx }) => listUsers(ctx.db)),
  createUser: capabilityProcedure("users.manage")
    .input(newUserSchema)
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  setActive: capabilityProcedure("users.manage")
    .input(z.object({ userId, active: z.boolean() }))
    .mutation(({ ctx, input }) => setUserActive(ctx.db, ctx.actor, input.userId, input.active)),
  setRole: capabilityProcedure("users.manage")
    .input(z.object({ userId, role: roleSchema }))
    .mutation(({ ctx, input }) => setUserRole(ctx.db, ctx.actor, input.userId, input.role)),
  setBackupAccess: capabilityProcedure("users.manage")
    .input(z.object({ userId, level: accessLevelSchema }))
    .mutation(({ ctx, input }) => setBackupAccess(ctx.db, ctx.actor, input.userId, input.level)),
  setApprover: capabilityProcedure("users.manage")
    .input(z.object({ userId, approver: z.boolean() }))
    .mutation(({ ctx, input }) => setApprover(ctx.db, ctx.actor, input.userId, input.approver)),
});
