// Operator CLI: `npm run admin -- <command> [args]`. Runs against DATABASE_URL, with the same domain functions as the app.
import { ZodError } from "zod";
import { closeDb, db } from "../db/client";
import { DomainError } from "../lib/errors";
import { setOperator, syncConfiguredOperators } from "../lib/operators";
import { setAccountKind, setQuotaAsOperator } from "../lib/partners";

const USAGE = `usage: npm run admin -- <command>
  make-partner <identifier>      turn a customer account into a partner account
  make-customer <identifier>     turn a partner account back into a customer account
  make-operator <email>          make a user an operator of this installation
  revoke-operator <email>        take the operator flag away
  set-quota <identifier> <n>     set a customer's project quota
  sync-operators                 grant the flag to the users named in OPERATOR_EMAILS`;

async function main(argv: string[]): Promise<string> {
  const [command, a, b] = argv;
  switch (command) {
    case "make-partner":
    case "make-customer": {
      if (!a) throw new DomainError(USAGE);
      const account = await setAccountKind(null, a, command === "make-partner" ? "partner" : "customer");
      return `${account.identifier} is now a ${account.kind} account`;
    }
    case "make-operator":
    case "revoke-operator":
      if (!a) throw new DomainError(USAGE);
      await setOperator(db, a, command === "make-operator");
      return `${a} ${command === "make-operator" ? "is now" : "is no longer"} an operator`;
    case "set-quota": {
      if (!a || b === undefined) throw new DomainError(USAGE);
      const customer = await setQuotaAsOperator(null, a, Number(b));
      return `${customer.identifier}: project quota ${customer.projectQuota}`;
    }
    case "sync-operators":
      return `${await syncConfiguredOperators(db)} user(s) made operator from OPERATOR_EMAILS`;
    default:
      throw new DomainError(USAGE);
  }
}

main(process.argv.slice(2))
  .then((msg) => {
    console.log(msg);
    return closeDb();
  })
  .catch(async (err) => {
    if (err instanceof ZodError) console.error(err.issues.map((issue) => issue.message).join("; "));
    else console.error(err instanceof DomainError ? err.message : err);
    await closeDb();
    process.exit(1);
  });
