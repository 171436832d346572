import { accessRouter } from "./access/router";
import { setupRouter } from "./setup/router";
import { tapesRouter } from "./tapes/router";
import { router } from "./trpc";

export const appRouter = router({
  setup: setupRouter,
  access: accessRouter,
  tapes: tapesRouter,
});

export type AppRouter = typeof appRouter;
