import { apiTokenRefSchema, createApiTokenSchema } from "../../lib/integrations";
import { capabilityProcedure, router } from "../trpc";
import { createApiToken, listApiTokens, revokeApiToken } from "./tokens";

export const integrationsRouter = router({
  // Every token on one page, as the shared table pages them: an installation has a handful.
  list: capabilityProcedure("integrations.manage").query(async ({ ctx }) => ({
    items: await listApiTokens(ctx.db),
    nextCursor: null,
  })),
  create: capabilityProcedure("integrations.manage")
    .input(createApiTokenSchema)
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.actor, input)),
  revoke: capabilityProcedure("integrations.manage")
    .input(apiTokenRefSchema)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.actor, input.id)),
});
