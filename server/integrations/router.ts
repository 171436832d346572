import { apiTokenRefSchema, createApiTokenSchema } from "../../lib/integrations";
import { capabilityProcedure, router } from "../trpc";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens";

export const integrationsRouter = router({
  list: capabilityProcedure("integrations.manage").query(({ ctx }) => listApiTokens(ctx.db)),
  create: capabilityProcedure("integrations.manage")
    .input(createApiTokenSchema)
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.actor, input)),
  revoke: capabilityProcedure("integrations.manage")
    .input(apiTokenRefSchema)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.actor, input.id)),
});
