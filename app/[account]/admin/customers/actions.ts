"use server";
import { z } from "zod";
import { identifierSchema, counted } from "@/lib/core";
import { setCustomerGroupMembership } from "@/lib/customer-groups";
import { createManagedCustomer, createManagedCustomerSchema } from "@/lib/partners";
import { userAction } from "@/lib/web";

// `account` is the manager's identifier (a partner, or a self-managed customer); the domain function authorizes against it.
const manager = z.object({ account: identifierSchema });

// Groups are a repeated field (one checkbox each), which the form's single-value input leaves out.
const repeated = (formData: FormData, name: string) => formData.getAll(name).filter((v): v is string => typeof v === "string" && v !== "");

export const createCustomerAction = userAction(
  manager.and(createManagedCustomerSchema.omit({ groups: true })),
  async ({ account, ...input }, principal, formData) => {
    const customer = await createManagedCustomer(principal, account, { ...input, parent: input.parent || undefined, groups: repeated(formData, "groups") });
    return { ok: true, message: `Customer ${customer.name} (${customer.identifier}) created.` };
  },
);

const membership = manager.extend({ groupId: z.uuid("Pick a group."), change: z.enum(["add", "remove"], "Choose to add or remove.") });

/** The filter of a selection of "all that match" (`all=1` and `filter.q`, `filter.group`, …). */
function filterOf(formData: FormData) {
  if (formData.get("all") !== "1") return undefined;
  const text = (name: string) => {
    const v = formData.get(`filter.${name}`);
    return typeof v === "string" && v !== "" ? v : undefined;
  };
  const quota = (["at", "near", "under"] as const).find((q) => q === text("quota"));
  return { q: text("q"), group: text("group"), parent: text("parent"), quota };
}

/** The list's selection bar: the selected customers (or all that match a filter) into or out of one group. */
export const changeGroupMembershipAction = userAction(membership, async ({ account, groupId, change }, principal, formData) => {
  const filter = filterOf(formData);
  const result = await setCustomerGroupMembership(principal, account, {
    groupId,
    customers: filter ? undefined : [...new Set(repeated(formData, "customers"))],
    filter,
    member: change === "add",
  });
  const n = result.changed;
  const message =
    change === "add"
      ? `${counted.customers(n)} added to ${result.group.name}${result.unchanged ? ` (${counted.alreadyIn(result.unchanged)})` : ""}.`
      : `${counted.customers(n)} taken out of ${result.group.name}${result.unchanged ? ` (${counted.notIn(result.unchanged)})` : ""}.`;
  return { ok: true, message };
});
