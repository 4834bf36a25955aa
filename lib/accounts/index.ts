// Customer accounts: sign-up (user + account + admin membership in one transaction), settings, and the account switcher.
import { and, eq, ilike, isNull, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customers, memberships, projects, users, type Customer } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth";
import { authorizeAccount, authorizeProject, findAccountAccess, requirePerson, userPrincipal, type Permission, type Principal } from "@/lib/authz";
import {
  type AppError,
  containsPattern,
  customerDetailsSchema,
  keysetClauses,
  keysetOf,
  keysetPage,
  parseRow,
  type PageRequest,
  emailSchema,
  fieldConflict,
  fieldError,
  fullNameSchema,
  getEnv,
  identifierSchema,
  isRefusal,
  nameSchema,
  parseInput,
  passwordSchema,
  searchTerm,
  settingsSchema,
  textContains,
  violatedConstraint,
  type CustomerDetailsInput,
  type SettingsInput,
} from "@/lib/core";
import { queueEmail } from "@/lib/email";
import { SIGN_UP_ATTEMPT_ALERT_PER_ADDRESS, tryConsume } from "@/lib/limits";
import { lockOperators } from "@/lib/operators";
import { queueEmailVerification } from "@/lib/profile";
import { accountView, customerRef, customerView, type AccountView, type CustomerRef, type CustomerView, type MembershipView } from "./shapes";

export * from "./shapes";

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
  if (unique === "customers_identifier_reserved")
    return fieldConflict(
      "identifier",
      `This identifier belonged to an account that was deleted. It stays reserved for ${getEnv().IDENTIFIER_RESERVATION_DAYS} days after the deletion, because it may still name things elsewhere. Please choose another one.`,
    );
  return null;
}

/** What sign-up answers: the same for an address that is new and for one that has an account already. */
export type SignUpAnswer = { email: string };

/**
 * Creates the user, their customer account and their Customer Admin membership, and queues the welcome and the
 * verification e-mails — all or nothing. Anyone may sign up (the new user is the actor of what follows); nobody is
 * signed in by it. An address that has an account already gets no second one: its owner is e-mailed instead (someone
 * tried to sign up; sign in or reset), and the caller gets the answer a new address gets, after the same steps (the
 * password hashed, the identifier checked), so sign-up doesn't tell who has an account. Hooks let tests inject a
 * failure after the last insert.
 */
export async function signUp(_principal: Principal, input: SignUpInput, hooks: { beforeCommit?: (tx: Executor) => Promise<void> } = {}): Promise<SignUpAnswer> {
  const parsed = parseInput(signUpSchema, input);
  const email = parsed.email.toLowerCase();
  const passwordHash = await hashPassword(parsed.password);
  try {
    await db.transaction(async (tx) => {
      const created = await tx
        .transaction(async (sp) => {
          // The account first: a taken or reserved identifier is refused whoever owns the address.
          const [customer] = await sp
            .insert(customers)
            .values({ identifier: parsed.identifier, name: parsed.accountName, projectQuota: getEnv().DEFAULT_PROJECT_QUOTA })
            .returning();
          const [user] = await sp.insert(users).values({ email, name: parsed.fullName, passwordHash }).onConflictDoNothing().returning();
          // The address has an account: nothing of this attempt stays (the savepoint rolls back, the identifier stays free).
          if (!user) throw ADDRESS_TAKEN;
          return { user, customer };
        })
        .catch((err: unknown) => {
          if (err === ADDRESS_TAKEN) return null;
          throw err;
        });
      if (!created) {
        await tellOwnerOfSignUpAttempt(tx, email);
        await hooks.beforeCommit?.(tx);
        return;
      }
      const { user, customer } = created;
      await tx.insert(memberships).values({ userId: user.id, customerId: customer.id, group: "customer_admin" });
      // An installation without an operator makes the first person to sign up its operator, as Gitea and Grafana do.
      await lockOperators(tx);
      await tx.execute(
        sql`update users set is_operator = true where id = ${user.id} and not exists (select 1 from users where is_operator and id <> ${user.id})`,
      );
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
    });
  } catch (err) {
    throw accountConflict(err) ?? err;
  }
  return { email };
}

/** Thrown inside sign-up's savepoint to roll back the account made for an address that has one. */
const ADDRESS_TAKEN = Symbol("address taken");

/** Someone tried to sign up with the owner's address: they are told, at most once an hour (a flood stays one e-mail). */
async function tellOwnerOfSignUpAttempt(tx: Executor, email: string): Promise<void> {
  if (!(await tryConsume(SIGN_UP_ATTEMPT_ALERT_PER_ADDRESS, email))) return;
  const [owner] = await tx
    .select({ email: users.email, name: users.name })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (!owner) return;
  const { APP_URL } = getEnv();
  await queueEmail(tx, {
    template: "sign-up-attempt",
    to: owner.email,
    props: { name: owner.name, signInUrl: `${APP_URL}/sign-in`, resetUrl: `${APP_URL}/forgot-password` },
  });
}

export const ownAccountSchema = z.object({ name: nameSchema, identifier: identifierSchema });

/**
 * A signed-in person creates a customer account of their own and becomes its Customer Admin: what someone who
 * belongs to no account any more (or wants a second one) needs, without signing up again.
 */
export async function createOwnAccount(principal: Principal, input: z.input<typeof ownAccountSchema>): Promise<CustomerRef> {
  const person = requirePerson(principal);
  const parsed = parseInput(ownAccountSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const [customer] = await tx
        .insert(customers)
        .values({ identifier: parsed.identifier, name: parsed.name, projectQuota: getEnv().DEFAULT_PROJECT_QUOTA })
        .returning();
      await tx.insert(memberships).values({ userId: person.userId, customerId: customer.id, group: "customer_admin" });
      await tx.update(users).set({ lastAccountId: customer.id }).where(eq(users.id, person.userId));
      await recordAudit(tx, principal, {
        customerId: customer.id,
        action: "account.created",
        targetType: "customer",
        targetId: customer.id,
        targetLabel: customer.identifier,
      });
      return customerRef(customer);
    });
  } catch (err) {
    throw accountConflict(err) ?? err;
  }
}

/**
 * The accounts the signed-in person belongs to, each with where it sits (the names above it from its managing partner
 * down to its parent; none for an account at the top) and their group in it. Partner accounts come first, where a
 * partner's people work, then the rest by name; searchable by name or identifier and keyset-paged, because a Partner
 * Admin who added themselves to their customers belongs to thousands. Other principals belong to none.
 */
export async function listMyAccounts(principal: Principal, opts: { q?: string; identifier?: string } & PageRequest = {}) {
  if (principal.kind !== "user") return { rows: [], next: null, prev: null };
  const k = keysetOf(opts);
  const q = searchTerm(opts.q).toLowerCase();
  // The path lists ancestors root first; what lies above the managing partner is none of its customers' business.
  const trail = sql<string[]>`coalesce((
    select array_agg(a.name order by u.n)
    from unnest(${customers.path}[coalesce(array_position(${customers.path}, ${customers.partnerId}), 1):]) with ordinality as u(id, n)
    join ${customers} a on a.id = u.id), '{}')`;
  const sortValue = sql<string>`(case when ${customers.kind} = 'partner' then '0' else '1' end) || lower(${customers.name})`;
  const page = keysetClauses(k, sortValue, sql`${customers.id}`);
  const rows = await db
    .select({
      id: customers.id,
      identifier: customers.identifier,
      name: customers.name,
      kind: customers.kind,
      group: memberships.group,
      trail,
      sort_value: sortValue,
    })
    .from(memberships)
    .innerJoin(customers, eq(customers.id, memberships.customerId))
    .where(
      and(
        eq(memberships.userId, principal.userId),
        isNull(customers.deletingAt),
        q ? or(textContains(customers.name, q), ilike(customers.identifier, containsPattern(q))) : undefined,
        opts.identifier !== undefined ? eq(customers.identifier, opts.identifier.toLowerCase()) : undefined,
        page.where,
      ),
    )
    .orderBy(page.orderBy)
    .limit(k.limit + 1);
  return keysetPage(rows, k, ({ id: _id, sort_value: _sortValue, ...r }) => r);
}

/** An account as one of the people who may see it sees it, and what they may do there (pages ask `can(...)`). */
export type AccountContext = {
  customer: AccountView;
  /** The principal's own membership in the account, if any. */
  membership: MembershipView | null;
  permissions: ReadonlySet<Permission>;
  can: (permission: Permission) => boolean;
};

/**
 * The account and what the principal may do in it (pages ask `can(...)` to show or hide controls). Billing details
 * (tax ID, address, bank account) go only to those who may edit them; others see at most a masked IBAN.
 */
export async function getAccount(principal: Principal, identifier: string): Promise<AccountContext> {
  // Every page of an account starts here: no transaction (a read, and a write of the person's own navigation state
  // that needs nothing else to hold with it), so it costs two statements and no BEGIN/COMMIT round trips.
  const access = await authorizeAccount(db, principal, identifier, "VIEW_ACCOUNT");
  // The account a member opens is where they land after their next sign-in. Written only when it changes: the
  // principal carries what the user's row said at the start of the request, so staying in one account writes nothing
  // (and the statement's own condition still keeps a stale principal from writing the same value twice).
  if (principal.kind === "user" && access.membership && principal.lastAccountId !== access.customer.id)
    await db.execute(
      sql`update users set last_account_id = ${access.customer.id} where id = ${principal.userId} and last_account_id is distinct from ${access.customer.id}`,
    );
  return {
    customer: accountView(access.customer, access.can("EDIT_SETTINGS")),
    membership: access.membership ? { group: access.membership.group, since: access.membership.createdAt } : null,
    permissions: access.permissions,
    can: access.can,
  };
}

/**
 * Saves the editable settings. The identifier is not among them: the input type has no such field,
 * the action ignores one if sent, and the database trigger refuses a change regardless.
 */
export async function updateSettings(principal: Principal, identifier: string, input: SettingsInput): Promise<AccountView> {
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
    return accountView(updated, true);
  });
}

/** The details' columns, in the words the audit trail and the forms use for them. */
const DETAIL_LABELS = {
  name: "name",
  description: "description",
  contactEmail: "contact e-mail",
  contactPhone: "contact phone",
  country: "country",
  state: "state",
  city: "city",
  postalCode: "postal code",
  addressLine1: "address line 1",
  addressLine2: "address line 2",
  homeProjectId: "home page",
} as const satisfies Partial<Record<keyof Customer, string>>;

/**
 * Saves a customer's details: its own admins (in Settings) and those who manage it (in Administration) may. The home
 * page must be one of this customer's projects. Only what changed is written and audited, on the customer and on the
 * partner that manages it.
 */
export async function updateCustomerDetails(principal: Principal, identifier: string, input: CustomerDetailsInput): Promise<CustomerView> {
  const parsed = parseInput(customerDetailsSchema, input);
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, identifier, "EDIT_CUSTOMER");
    const [locked] = await tx.select().from(customers).where(eq(customers.id, customer.id)).for("update");
    if (parsed.homeProject) {
      const [own] = await tx
        .select({ id: projects.id })
        .from(projects)
        .where(and(eq(projects.id, parsed.homeProject), eq(projects.customerId, customer.id)));
      if (!own) throw fieldError("homeProject", "That project isn't one of this customer's (it may have been deleted). Pick the home page from the list.");
    }
    const next = {
      name: parsed.name ?? locked.name,
      description: parsed.description,
      contactEmail: parsed.contactEmail,
      contactPhone: parsed.contactPhone,
      country: parsed.country,
      state: parsed.state,
      city: parsed.city,
      postalCode: parsed.postalCode,
      addressLine1: parsed.addressLine1,
      addressLine2: parsed.addressLine2,
      homeProjectId: parsed.homeProject,
    } satisfies Record<keyof typeof DETAIL_LABELS, unknown>;
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => next[k] !== locked[k]);
    if (changed.length === 0) return customerView(locked);
    const [updated] = await tx
      .update(customers)
      .set({ ...Object.fromEntries(changed.map((k) => [k, next[k]])), updatedAt: new Date() })
      .where(eq(customers.id, customer.id))
      .returning();
    const event = {
      action: "customer.details_updated",
      targetType: "customer",
      targetId: customer.id,
      targetLabel: `${updated.name} (${updated.identifier})`,
      details: { changed: changed.map((k) => DETAIL_LABELS[k]) },
    };
    await recordAudit(tx, principal, { ...event, customerId: customer.id });
    if (locked.partnerId) await recordAudit(tx, principal, { ...event, customerId: locked.partnerId });
    return customerView(updated);
  });
}

/**
 * The account a person lands in when none is named: the one they last opened (if they still belong to it), else their
 * partner account, else one they administer, else the first by name.
 */
async function landingAccount(userId: string): Promise<string | undefined> {
  const row = parseRow(
    z.object({ identifier: z.string() }),
    await db.execute(sql`
      select c.identifier from memberships m join customers c on c.id = m.customer_id
      where m.user_id = ${userId} and c.deleting_at is null
      order by (c.id = (select u.last_account_id from users u where u.id = ${userId})) desc nulls last,
        (c.kind = 'partner') desc, (m."group" in ('customer_admin', 'partner_admin')) desc, lower(c.name), c.identifier
      limit 1`),
  );
  return row?.identifier;
}

/**
 * Where a person lands after signing in (or joining): the account's home project when the customer chose one and the
 * person may see it, else the account's overview. Without an account named, their first account; null when they have
 * none (or may not see the one named).
 */
export async function findHomePage(principal: Principal, identifier?: string): Promise<string | null> {
  if (principal.kind !== "user") return null;
  const account = identifier ?? (await landingAccount(principal.userId));
  if (!account) return null;
  return db.transaction(async (tx) => {
    const access = await findAccountAccess(tx, principal, account);
    if (!access) return null;
    const overview = `/${access.customer.identifier}`;
    const home = access.customer.homeProjectId;
    if (!home) return overview;
    try {
      const { project } = await authorizeProject(tx, principal, access.customer.identifier, { id: home }, "VIEW_PROJECT");
      return `${overview}/projects/${project.identifier}`;
    } catch (err) {
      if (isRefusal(err)) return overview;
      throw err;
    }
  });
}
