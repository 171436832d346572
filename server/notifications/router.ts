import { notificationSettingsSchema } from "../../lib/reminders";
import { env } from "../env";
import { emailConfigured } from "../reminders/smtp";
import { router, signedInProcedure } from "../trpc";
import { notificationStatus, setNotifications } from "./service";

/** Each signed-in user's own notifications: nobody sets another's. */
export const notificationsRouter = router({
  get: signedInProcedure.query(async ({ ctx }) => ({
    ...(await notificationStatus(ctx.db, ctx.viewer.id)),
    email: ctx.viewer.email,
    emailConfigured: emailConfigured(env()),
    digestHour: env().DIGEST_HOUR,
  })),
  set: signedInProcedure
    .input(notificationSettingsSchema)
    .mutation(({ ctx, input }) => setNotifications(ctx.db, { id: ctx.viewer.id, name: ctx.viewer.name }, input)),
});
