// Customer accounts: sign-up (user + account + admin membership in one transaction), settings, and the account switcher.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customers, memberships, users, type Customer } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth";
import { authorizeAccount, userPrincipal, type AccountAccess, type Principal } from "@/lib/authz";
import {
  type AppError,
  emailSchema,
  fieldConflict,
  fieldError,
  fullNameSchema,
  getEnv,
  identifierSchema,
  nameSchema,
  parseInput,
  passwordSchema,
  settingsSchema,
  violatedConstraint,
  type SettingsInput,
} from "@/lib/core";
import { queueEmail } from "@/lib/email";
import { configuredOperatorEmails } from "@/lib/operators";

export const signUpSchema = z.object({
  fullName: fullNameSchema,
  email: emailSchema,
  password: passwordSchema,
  accountName: nameSchema,
  identifier: identifierSchema,
});
export type SignUpInput = z.infer<typeof signUpSchema>;

/** Maps the unique/check violations of users and customers to the field they belong to. */
export function accountConflict(err: unknown): AppError | null {
  const unique = violatedConstraint(err, "23505");
  if (unique === "users_email_lower_key") return fieldConflict("email", "An account with this e-mail address already exists. Sign in instead.");
  if (unique === "customers_identifier_key") return fieldConflict("identifier", "This identifier is already taken. Please choose another one.");
  const check = violatedConstraint(err, "23514");
  if (check === "customers_identifier_format") return fieldError("identifier", "Use only lowercase letters, digits and hyphens.");
  return null;
}

/**
 * Creates the user, their customer account and their Customer Admin membership, and queues the welcome e-mail —
 * all or nothing. Anyone may sign up (the new user is the actor of what follows). Hooks let tests inject a failure
 * after the last insert.
 */
export async function signUp(_principal: Principal, input: SignUpInput, hooks: { beforeCommit?: (tx: Executor) => Promise<void> } = {}) {
  const parsed = parseInput(signUpSchema, input);
  const passwordHash = await hashPassword(parsed.password);
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({
          email: parsed.email.toLowerCase(),
          name: parsed.fullName,
          passwordHash,
          isOperator: configuredOperatorEmails().includes(parsed.email.toLowerCase()),
        })
        .returning();
      const [customer] = await tx
        .insert(customers)
        .values({ identifier: parsed.identifier, name: parsed.accountName, projectQuota: getEnv().DEFAULT_PROJECT_QUOTA })
        .returning();
      await tx.insert(memberships).values({ userId: user.id, customerId: customer.id, group: "customer_admin" });
      await recordAudit(tx, userPrincipal(user), {
        customerId: customer.id,
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

/** Every account the signed-in person belongs to, for the switcher. Other principals belong to none. */
export async function listMyAccounts(principal: Principal) {
  if (principal.kind !== "user") return [];
  return db
    .select({ identifier: customers.identifier, name: customers.name, kind: customers.kind, group: memberships.group })
    .from(memberships)
    .innerJoin(customers, eq(customers.id, memberships.customerId))
    .where(eq(memberships.userId, principal.userId))
    .orderBy(asc(customers.name), asc(customers.identifier));
}

/** The account and what the principal may do in it (pages ask `can(...)` to show or hide controls). */
export async function getAccount(principal: Principal, identifier: string): Promise<AccountAccess> {
  return db.transaction((tx) => authorizeAccount(tx, principal, identifier, "VIEW_ACCOUNT"));
}

/**
 * Saves the editable settings. The identifier is not among them: the input type has no such field,
 * the action ignores one if sent, and the database trigger refuses a change regardless.
 */
export async function updateSettings(principal: Principal, identifier: string, input: SettingsInput): Promise<Customer> {
  const parsed = parseInput(settingsSchema, input);
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, identifier, "EDIT_SETTINGS");
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
    const changed = Object.keys(parsed).filter((k) => (customer as Record<string, unknown>)[k] !== (updated as Record<string, unknown>)[k]);
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: "account.settings_updated",
      targetType: "customer",
      targetId: customer.id,
      targetLabel: customer.identifier,
      details: { changed },
    });
    return updated;
  });
}
