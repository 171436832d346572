import { accessRouter } from "./access/router";
import { auditRouter } from "./audit/router";
import { auditsRouter } from "./audits/router";
import { consignmentsRouter } from "./consignments/router";
import { custodyRouter } from "./custody/router";
import { destructionRouter } from "./destruction/router";
import { integrationsRouter } from "./integrations/router";
import { jobsRouter } from "./jobs/router";
import { locationsRouter } from "./locations/router";
import { notificationsRouter } from "./notifications/router";
import { remindersRouter } from "./reminders/router";
import { rotationRouter } from "./rotation/router";
import { settingsRouter } from "./settings/router";
import { setupRouter } from "./setup/router";
import { sitesRouter } from "./sites/router";
import { syncRouter } from "./sync/router";
import { tapesRouter } from "./tapes/router";
import { createCallerFactory, router } from "./trpc";

export const appRouter = router({
  setup: setupRouter,
  access: accessRouter,
  tapes: tapesRouter,
  jobs: jobsRouter,
  locations: locationsRouter,
  custody: custodyRouter,
  audit: auditRouter,
  sync: syncRouter,
  sites: sitesRouter,
  rotation: rotationRouter,
  settings: settingsRouter,
  integrations: integrationsRouter,
  consignments: consignmentsRouter,
  audits: auditsRouter,
  reminders: remindersRouter,
  notifications: notificationsRouter,
  destruction: destructionRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
export type AppCaller = ReturnType<typeof createCaller>;
