import { accessRouter } from "./access/router";
import { auditRouter } from "./audit/router";
import { jobsRouter } from "./jobs/router";
import { setupRouter } from "./setup/router";
import { tapesRouter } from "./tapes/router";
import { router } from "./trpc";

export const appRouter = router({
  setup: setupRouter,
  access: accessRouter,
  tapes: tapesRouter,
  jobs: jobsRouter,
  audit: auditRouter,
});

export type AppRouter = typeof appRouter;
