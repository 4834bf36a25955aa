import { runMigrations } from "../db/migrate";
import { getEnv } from "../lib/env";

runMigrations(getEnv().DATABASE_URL)
  .then(() => console.log("migrations applied"))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
