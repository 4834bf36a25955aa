import { describe, expect, it } from "vitest";
import { count, counted, plural } from "./words";

// Every counted phrase, as it reads at 0, 1 and 2. A phrase added to `counted` without a line here fails the
// first test, so none goes unread.
const EXPECTED: Record<keyof typeof counted, [string, string, string]> = {
  customers: ["0 customers", "1 customer", "2 customers"],
  subCustomers: ["0 sub-customers", "1 sub-customer", "2 sub-customers"],
  users: ["0 users", "1 user", "2 users"],
  people: ["0 people", "1 person", "2 people"],
  projects: ["0 projects", "1 project", "2 projects"],
  groups: ["0 groups", "1 group", "2 groups"],
  invitations: ["0 invitations", "1 invitation", "2 invitations"],
  pendingInvitations: ["0 pending invitations", "1 pending invitation", "2 pending invitations"],
  openNotices: ["0 open notices", "1 open notice", "2 open notices"],
  notices: ["0 notices", "1 notice", "2 notices"],
  rows: ["0 rows", "1 row", "2 rows"],
  seconds: ["0 seconds", "1 second", "2 seconds"],
  minutes: ["0 minutes", "1 minute", "2 minutes"],
  hours: ["0 hours", "1 hour", "2 hours"],
  usersGone: ["0 users who belonged nowhere else", "1 user who belonged nowhere else", "2 users who belonged nowhere else"],
  peopleKept: ["0 people who also belong elsewhere stay", "1 person who also belongs elsewhere stays", "2 people who also belong elsewhere stay"],
  inUse: ["0 are in use", "1 is in use", "2 are in use"],
  inYourGroups: ["in 0 of your groups", "in 1 of your groups", "in 2 of your groups"],
  groupCustomersStay: ["it has no customers", "its 1 customer stays", "its 2 customers stay"],
  customersAre: ["0 customers are", "1 customer is", "2 customers are"],
  peopleLose: ["0 people lose", "One person loses", "2 people lose"],
  noticesForYou: ["0 notices for you", "A notice for you", "2 notices for you"],
  alreadyIn: ["0 customers already in it", "1 customer already in it", "2 customers already in it"],
  notIn: ["0 customers weren't in it", "1 customer wasn't in it", "2 customers weren't in it"],
  peopleKeepMemberships: [
    "0 people who also belong to other customers keep those memberships",
    "1 person who also belongs to other customers keeps those memberships",
    "2 people who also belong to other customers keep those memberships",
  ],
  recipientsAcknowledged: ["all 0 recipients have acknowledged it", "its one recipient has acknowledged it", "all 2 recipients have acknowledged it"],
  customersClosed: ["each of its 0 customers has closed it", "its one customer has closed it", "each of its 2 customers has closed it"],
  more: ["0 more", "1 more", "2 more"],
};

describe("counted words", () => {
  it("has every phrase read at 0, 1 and 2", () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.keys(counted).sort());
  });

  for (const [name, phrase] of Object.entries(counted)) {
    it(`says ${name} right at 0, 1 and 2`, () => {
      expect([0, 1, 2].map((n) => phrase(n))).toEqual(EXPECTED[name as keyof typeof counted]);
    });
  }

  it("groups thousands and picks the form from the plural rules", () => {
    expect(count(1234, "customer", "customers")).toBe("1,234 customers");
    expect(plural(1, "is", "are")).toBe("is");
    expect(plural(1.5, "is", "are")).toBe("are");
  });
});
