// Customer accounts: sign-up (user + account + admin membership in one transaction), settings, and the account switcher.
import { asc, eq, sql } from "drizzle-orm";
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
import { lockOperators } from "@/lib/operators";
import { queueEmailVerification } from "@/lib/profile";

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
  if (unique === "users_email_lower_key")
    return fieldConflict(
      "email",
      "An account with this e-mail address already exists. Sign in instead, or use “Forgot your password?” if the address is yours.",
    );
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
        })
        .returning();
      const [customer] = await tx
        .insert(customers)
        .values({ identifier: parsed.identifier, name: parsed.accountName, projectQuota: getEnv().DEFAULT_PROJECT_QUOTA })
        .returning();
      await tx.insert(memberships).values({ userId: user.id, customerId: customer.id, group: "customer_admin" });
      // An installation without an operator makes the first person to sign up its operator, as Gitea and Grafana do.
      await lockOperators(tx);
      const first = await tx.execute(
        sql`update users set is_operator = true where id = ${user.id} and not exists (select 1 from users where is_operator and id <> ${user.id}) returning id`,
      );
      if (first.length > 0) user.isOperator = true;
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
      // The address is unproven until the link sent to it is opened while signed in (or a password reset proves it).
      await queueEmailVerification(tx, user);
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

/**
 * The account and what the principal may do in it (pages ask `can(...)` to show or hide controls). Billing details
 * (tax ID, address, bank account) go only to those who may edit them; others see at most a masked IBAN.
 */
export async function getAccount(principal: Principal, identifier: string): Promise<AccountAccess> {
  const access = await db.transaction((tx) => authorizeAccount(tx, principal, identifier, "VIEW_ACCOUNT"));
  return access.can("EDIT_SETTINGS") ? access : { ...access, customer: withoutBilling(access.customer) };
}

function withoutBilling(customer: Customer): Customer {
  return {
    ...customer,
    taxId: null,
    billingStreet: null,
    billingPostalCode: null,
    billingCity: null,
    billingCountry: null,
    sepaAccountHolder: null,
    sepaIban: customer.sepaIban ? maskIban(customer.sepaIban) : null,
  };
}

/** "DE89370400440532013000" → "DE•• •••• •••• •••• ••30 00": enough to recognise the account, not to use it. */
export function maskIban(iban: string): string {
  const compact = iban.replace(/\s+/g, "");
  const masked = compact.slice(0, 2) + "•".repeat(Math.max(0, compact.length - 6)) + compact.slice(-4);
  return masked.replace(/(.{4})/g, "$1 ").trim();
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
