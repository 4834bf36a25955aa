// Operator CLI: `npm run admin -- <command> [args]`. Runs against the database `npm start` uses (DATABASE_URL, else its
// embedded PostgreSQL), with the same domain functions as the app.
import { ZodError } from "zod";
import { ProjectDatabaseError, withProjectDatabase } from "../db/embedded";
import { AppError, InvalidInputError } from "../lib/core";

const USAGE = `usage: npm run admin -- <command>
  make-partner <identifier>      turn a customer account into a partner account
  make-customer <identifier>     turn a partner account back into a customer account
  make-operator <email>          make a user an operator of this installation
  revoke-operator <email>        take the operator flag away
  set-quota <identifier> <n>     set a customer's project quota
  sync-operators                 grant the flag to the users named in OPERATOR_EMAILS`;

async function main(argv: string[]): Promise<string> {
  // Loaded once withProjectDatabase (below) has set DATABASE_URL, so that no module reads it before.
  const { systemPrincipal } = await import("../lib/authz");
  const { setOperator, syncConfiguredOperators } = await import("../lib/operators");
  const { setAccountKind, setCustomerQuota } = await import("../lib/partners");
  // Whoever can run this command on the server owns the installation: it acts as the system, and is audited so.
  const cli = systemPrincipal("cli");
  const [command, a, b] = argv;
  switch (command) {
    case "make-partner":
    case "make-customer": {
      if (!a) throw new InvalidInputError(USAGE);
      const account = await setAccountKind(cli, a, command === "make-partner" ? "partner" : "customer");
      return `${account.identifier} is now a ${account.kind} account`;
    }
    case "make-operator":
    case "revoke-operator":
      if (!a) throw new InvalidInputError(USAGE);
      await setOperator(cli, a, command === "make-operator");
      return `${a} ${command === "make-operator" ? "is now" : "is no longer"} an operator`;
    case "set-quota": {
      if (!a || b === undefined) throw new InvalidInputError(USAGE);
      const customer = await setCustomerQuota(cli, a, Number(b));
      return `${customer.identifier}: project quota ${customer.projectQuota}`;
    }
    case "sync-operators":
      return `${await syncConfiguredOperators(cli)} user(s) made operator from OPERATOR_EMAILS`;
    default:
      throw new InvalidInputError(USAGE);
  }
}

withProjectDatabase(async () => {
  const { closeDb } = await import("../db/client");
  try {
    return await main(process.argv.slice(2));
  } finally {
    await closeDb();
  }
})
  .then((msg) => console.log(msg))
  .catch((err) => {
    if (err instanceof ZodError) console.error(err.issues.map((issue) => issue.message).join("; "));
    else console.error(err instanceof AppError || err instanceof ProjectDatabaseError ? err.message : err);
    process.exit(1);
  });
