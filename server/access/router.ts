import { z } from "zod";
import { changePasswordSchema } from "../../lib/password";
import { accessLevelSchema, newUserSchema, roleSchema } from "../../lib/users";
import { adminProcedure, router, signedInProcedure } from "../trpc";
import { changeOwnPassword, createUser, listUsers, setBackupAccess, setUserActive, setUserRole } from "./service";

const userId = z.string().uuid({ message: "Unknown user" });

export const accessRouter = router({
  me: signedInProcedure.query(({ ctx }) => ctx.viewer),
  changePassword: signedInProcedure
    .input(changePasswordSchema)
    .mutation(({ ctx, input }) =>
      changeOwnPassword(ctx.db, { id: ctx.viewer.id, name: ctx.viewer.name }, ctx.sessionToken, input),
    ),
  listUsers: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  createUser: adminProcedure.input(newUserSchema).mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  setActive: adminProcedure
    .input(z.object({ userId, active: z.boolean() }))
    .mutation(({ ctx, input }) => setUserActive(ctx.db, ctx.actor, input.userId, input.active)),
  setRole: adminProcedure
    .input(z.object({ userId, role: roleSchema }))
    .mutation(({ ctx, input }) => setUserRole(ctx.db, ctx.actor, input.userId, input.role)),
  setBackupAccess: adminProcedure
    .input(z.object({ userId, level: accessLevelSchema }))
    .mutation(({ ctx, input }) => setBackupAccess(ctx.db, ctx.actor, input.userId, input.level)),
});
