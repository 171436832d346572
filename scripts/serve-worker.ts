import path from "node:path";
import { serveHere, shareForgottenViewers } from "./serve";

/** One of several server processes started by scripts/serve.ts. */
shareForgottenViewers();
serveHere(path.resolve(__dirname, ".."))
  .then(() => process.send?.({ ready: true }))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
