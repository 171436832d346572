import { z } from "zod";
import {
  mapLegacySitesSchema,
  setSiteActiveSchema,
  siteListSchema,
  siteOptionsSchema,
  siteSchema,
  updateSiteSchema,
} from "../../lib/sites";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import {
  createSite,
  getSite,
  legacySiteTexts,
  listSites,
  mapLegacySites,
  setSiteActive,
  siteOptions,
  updateSite,
} from "./service";

const manage = capabilityProcedure("sites.manage");

export const sitesRouter = router({
  list: backupReadProcedure.input(siteListSchema).query(({ ctx, input }) => listSites(ctx.db, input)),
  options: backupReadProcedure.input(siteOptionsSchema).query(({ ctx, input }) => siteOptions(ctx.db, input)),
  get: backupReadProcedure
    .input(z.object({ id: z.uuid({ message: "Unknown site" }) }))
    .query(({ ctx, input }) => getSite(ctx.db, input.id)),
  legacyTexts: backupReadProcedure.query(({ ctx }) => legacySiteTexts(ctx.db)),
  create: manage.input(siteSchema).mutation(({ ctx, input }) => createSite(ctx.db, ctx.actor, input)),
  update: manage
    .input(updateSiteSchema)
    .mutation(({ ctx, input }) => updateSite(ctx.db, ctx.actor, input.id, input.data)),
  setActive: manage
    .input(setSiteActiveSchema)
    .mutation(({ ctx, input }) => setSiteActive(ctx.db, ctx.actor, input.id, input.active)),
  mapLegacy: manage.input(mapLegacySitesSchema).mutation(({ ctx, input }) => mapLegacySites(ctx.db, ctx.actor, input)),
});
