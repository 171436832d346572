import path from "node:path";
import { serve } from "../../scripts/serve";

/**
 * The built app served as `npm start` serves it once it is built and migrated. The benchmark migrates its
 * own database and never builds: a build started from a benchmark would collide with anyone else's.
 */
serve(path.resolve(__dirname, "../..")).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
