// Customer accounts: sign-up (user + account + admin membership in one transaction), settings, and the account switcher.
import { asc, eq, sql } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { customers, memberships, users, type Customer } from "@/db/schema";
import { recordAudit } from "./audit";
import { authorize } from "./authz";
import { hashPassword } from "./auth/password";
import { queueEmail } from "./email/queue-email";
import { getEnv } from "./env";
import { configuredOperatorEmails } from "./operators";
import { DomainError, fieldError, violatedConstraint } from "./errors";
import { emailSchema, fullNameSchema, identifierSchema, nameSchema, passwordSchema, settingsSchema, type SettingsInput } from "./validation";
import { z } from "zod";

export const signUpSchema = z.object({
  fullName: fullNameSchema,
  email: emailSchema,
  password: passwordSchema,
  accountName: nameSchema,
  identifier: identifierSchema,
});
export type SignUpInput = z.infer<typeof signUpSchema>;

/** Maps the unique/check violations of users and customers to the field they belong to. */
export function accountConflict(err: unknown): DomainError | null {
  const unique = violatedConstraint(err, "23505");
  if (unique === "users_email_lower_key") return fieldError("email", "An account with this e-mail address already exists. Sign in instead.");
  if (unique === "customers_identifier_key") return fieldError("identifier", "This identifier is already taken. Please choose another one.");
  const check = violatedConstraint(err, "23514");
  if (check === "customers_identifier_format") return fieldError("identifier", "Use only lowercase letters, digits and hyphens.");
  return null;
}

export async function isIdentifierTaken(ex: Executor, identifier: string): Promise<boolean> {
  const rows = await ex.execute(sql`select 1 from customers where identifier = lower(${identifier}) limit 1`);
  return rows.length > 0;
}

/**
 * Creates the user, their customer account and their Customer Admin membership, and queues the welcome e-mail —
 * all or nothing. Hooks let tests inject a failure after the last insert.
 */
export async function signUp(input: SignUpInput, hooks: { beforeCommit?: (tx: Executor) => Promise<void> } = {}) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ email: input.email.toLowerCase(), name: input.fullName, passwordHash, isOperator: configuredOperatorEmails().includes(input.email.toLowerCase()) })
        .returning();
      const [customer] = await tx
        .insert(customers)
        .values({ identifier: input.identifier, name: input.accountName, projectQuota: getEnv().DEFAULT_PROJECT_QUOTA })
        .returning();
      await tx.insert(memberships).values({ userId: user.id, customerId: customer.id, group: "customer_admin" });
      await recordAudit(tx, {
        customerId: customer.id,
        actorId: user.id,
        action: "account.created",
        targetType: "customer",
        targetId: customer.id,
        targetLabel: customer.identifier,
      });
      await queueEmail(tx, {
        template: "welcome",
        to: user.email,
        customerId: customer.id,
        props: {
          name: user.name,
          accountName: customer.name,
          identifier: customer.identifier,
          accountUrl: `${getEnv().APP_URL}/${customer.identifier}`,
        },
      });
      await hooks.beforeCommit?.(tx);
      return { user, customer };
    });
  } catch (err) {
    throw accountConflict(err) ?? err;
  }
}

/** Every account the user belongs to, for the switcher. */
export async function listMyAccounts(ex: Executor, userId: string) {
  return ex
    .select({ identifier: customers.identifier, name: customers.name, kind: customers.kind, group: memberships.group })
    .from(memberships)
    .innerJoin(customers, eq(customers.id, memberships.customerId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(customers.name), asc(customers.identifier));
}

/**
 * Saves the editable settings. The identifier is not among them: the input type has no such field,
 * the action ignores one if sent, and the database trigger refuses a change regardless.
 */
export async function updateSettings(actorId: string, identifier: string, input: SettingsInput): Promise<Customer> {
  const parsed = settingsSchema.parse(input);
  return db.transaction(async (tx) => {
    const { customer } = await authorize(tx, actorId, identifier, "EDIT_SETTINGS");
    const [updated] = await tx
      .update(customers)
      .set({
        name: parsed.name,
        taxId: parsed.taxId,
        billingStreet: parsed.billingStreet,
        billingPostalCode: parsed.billingPostalCode,
        billingCity: parsed.billingCity,
        billingCountry: parsed.billingCountry,
        paymentMethod: parsed.paymentMethod,
        sepaAccountHolder: parsed.sepaAccountHolder,
        sepaIban: parsed.sepaIban,
        updatedAt: new Date(),
      })
      .where(eq(customers.id, customer.id))
      .returning();
    const changed = Object.keys(parsed).filter(
      (k) => (customer as Record<string, unknown>)[k] !== (updated as Record<string, unknown>)[k],
    );
    await recordAudit(tx, {
      customerId: customer.id,
      actorId,
      action: "account.settings_updated",
      targetType: "customer",
      targetId: customer.id,
      targetLabel: customer.identifier,
      details: { changed },
    });
    return updated;
  });
}
