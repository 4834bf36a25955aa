// `npm run db:migrate`: applies the migrations to the database `npm start` uses (DATABASE_URL, else its embedded one).
import { ProjectDatabaseError, withProjectDatabase } from "../db/embedded";
import { runMigrations } from "../db/migrate";

withProjectDatabase((url) => runMigrations(url))
  .then(() => console.log("migrations applied"))
  .catch((err) => {
    console.error(err instanceof ProjectDatabaseError ? err.message : err);
    process.exit(1);
  });
