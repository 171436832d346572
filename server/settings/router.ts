import { updateSettingsSchema } from "../../lib/settings";
import { freshRotationParams } from "../rotation/service";
import { backupReadProcedure, capabilityProcedure, router } from "../trpc";
import { readSettings, updateSettings } from "./service";

export const settingsRouter = router({
  get: backupReadProcedure.query(({ ctx }) => readSettings(ctx.db)),
  update: capabilityProcedure("settings.manage")
    .input(updateSettingsSchema)
    .mutation(async ({ ctx, input }) => {
      const settings = await updateSettings(ctx.db, ctx.actor, input);
      // New send delay or lead time: every cartridge's rotation entry is recomputed here, once, rather than
      // by the next person to open the overview.
      await freshRotationParams(ctx.db);
      return settings;
    }),
});
