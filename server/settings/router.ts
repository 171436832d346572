import { updateSettingsSchema } from "../../lib/settings";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import { readSettings, updateSettings } from "./service";

export const settingsRouter = router({
  get: backupReadProcedure.query(({ ctx }) => readSettings(ctx.db)),
  update: capabilityProcedure("settings.manage")
    .input(updateSettingsSchema)
    .mutation(({ ctx, input }) => updateSettings(ctx.db, ctx.actor, input)),
});
