// Counted words: every "1 customer" / "2 customers" in the product comes from here, so a plural is chosen by
// Intl.PluralRules (0 is "0 customers" in English, as in most languages) rather than by a hand-written `n === 1`.
const rules = new Intl.PluralRules("en");
const numbers = new Intl.NumberFormat("en");

/** The form of a word for a count: `plural(2, "customer", "customers")` → "customers". */
export function plural(n: number, one: string, other: string): string {
  return rules.select(n) === "one" ? one : other;
}

/** The count and its word: `count(1234, "customer", "customers")` → "1,234 customers". */
export function count(n: number, one: string, other: string): string {
  return `${numbers.format(n)} ${plural(n, one, other)}`;
}

/**
 * The counted phrases the product says in more than one place, or whose grammar goes beyond one noun (a verb that
 * agrees with the count). Each takes only numbers, so one test renders every one of them at 0, 1 and 2.
 */
export const counted = {
  customers: (n: number) => count(n, "customer", "customers"),
  subCustomers: (n: number) => count(n, "sub-customer", "sub-customers"),
  users: (n: number) => count(n, "user", "users"),
  people: (n: number) => count(n, "person", "people"),
  projects: (n: number) => count(n, "project", "projects"),
  groups: (n: number) => count(n, "group", "groups"),
  invitations: (n: number) => count(n, "invitation", "invitations"),
  pendingInvitations: (n: number) => count(n, "pending invitation", "pending invitations"),
  openNotices: (n: number) => count(n, "open notice", "open notices"),
  notices: (n: number) => count(n, "notice", "notices"),
  rows: (n: number) => count(n, "row", "rows"),
  seconds: (n: number) => count(n, "second", "seconds"),
  minutes: (n: number) => count(n, "minute", "minutes"),
  hours: (n: number) => count(n, "hour", "hours"),
  /** "3 users who belonged nowhere else" (a deletion's users that go). */
  usersGone: (n: number) => `${count(n, "user", "users")} who belonged nowhere else`,
  /** "1 person who also belongs elsewhere stays". */
  peopleKept: (n: number) => `${count(n, "person", "people")} who also ${plural(n, "belongs", "belong")} elsewhere ${plural(n, "stays", "stay")}`,
  /** "1 is in use", "2 are in use". */
  inUse: (n: number) => `${numbers.format(n)} ${plural(n, "is", "are")} in use`,
  /** "in 1 of your groups": the count is of groups, one of which is still "of your groups". */
  inYourGroups: (n: number) => `in ${numbers.format(n)} of your groups`,
  /** "its 1 customer stays", "its 2 customers stay" (a group deleted). */
  groupCustomersStay: (n: number) => (n === 0 ? "it has no customers" : `its ${count(n, "customer", "customers")} ${plural(n, "stays", "stay")}`),
  /** "1 customer is", "2 customers are" at or near quota. */
  customersAre: (n: number) => `${count(n, "customer", "customers")} ${plural(n, "is", "are")}`,
  /** "One person loses", "2 people lose" access to a project. */
  peopleLose: (n: number) => (n === 1 ? "One person loses" : `${count(n, "person", "people")} lose`),
  /** "A notice for you", "3 notices for you" (the notice panel's heading). */
  noticesForYou: (n: number) => (n === 1 ? "A notice for you" : `${count(n, "notice", "notices")} for you`),
  /** "3 customers already in it", "1 customer wasn't in it". */
  alreadyIn: (n: number) => `${count(n, "customer", "customers")} already in it`,
  notIn: (n: number) => `${count(n, "customer", "customers")} ${plural(n, "wasn't", "weren't")} in it`,
  /** "1 person who also belongs to other customers keeps those memberships" (a deletion's report). */
  peopleKeepMemberships: (n: number) =>
    `${count(n, "person", "people")} who also ${plural(n, "belongs", "belong")} to other customers ${plural(n, "keeps", "keep")} those memberships`,
  /** A notice is done: "its one recipient has acknowledged it", "all 42 recipients have…". */
  recipientsAcknowledged: (n: number) =>
    n === 1 ? "its one recipient has acknowledged it" : `all ${count(n, "recipient", "recipients")} have acknowledged it`,
  /** A Single read only notice is done: "its one customer has closed it", "each of its 3 customers has…". */
  customersClosed: (n: number) => (n === 1 ? "its one customer has closed it" : `each of its ${count(n, "customer", "customers")} has closed it`),
  /** "1 more", "and 3 more". */
  more: (n: number) => `${numbers.format(n)} more`,
} satisfies Record<string, (n: number) => string>;
