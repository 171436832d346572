import { migrate } from "../server/db/migrate";

migrate(process.cwd()).catch((error: Error) => {
  console.error(`  ${error.message}`);
  process.exit(1);
});
