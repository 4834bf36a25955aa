"use server";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { GROUP_LABELS } from "@/lib/authz";
import { memberUpdateSchema, removeMember, updateMember } from "@/lib/members";
import { addMyself } from "@/lib/partners";
import { identifierSchema } from "@/lib/core";

// `account` is the partner's identifier, `customer` the managed customer's; addMyself authorizes both.
const managedCustomer = z.object({ account: identifierSchema, customer: identifierSchema });

export const addMyselfAction = userAction(managedCustomer, async ({ account, customer }, principal) => {
  const joined = await addMyself(principal, account, customer);
  return { ok: true, message: `You are now a Customer Admin of ${joined.name}.` };
});

// updateMember authorizes the principal against the customer itself (its managers hold MANAGE_USERS there).
const updateSchema = managedCustomer.extend({ userId: z.uuid("That person is not a member of this customer.") }).and(memberUpdateSchema);

/** A user row's one save: name and group together, and a message naming each change (or that there was none). */
export const updateCustomerUserAction = userAction(updateSchema, async ({ customer, userId, name, group }, principal) => {
  const { member, changed } = await updateMember(principal, customer, userId, { name, group });
  const said = [
    changed.name ? `name changed to “${changed.name.to}”` : null,
    changed.group ? `group changed from ${GROUP_LABELS[changed.group.from]} to ${GROUP_LABELS[changed.group.to]}` : null,
  ].filter(Boolean);
  if (said.length === 0) return { ok: true, message: `Nothing to save for ${member.email}: name and group are as they were.` };
  return { ok: true, message: `Saved ${member.email}: ${said.join(" and ")}.` };
});

/** Deletes a customer user: they leave the customer, and their user goes too when they belong to no other account. */
export const deleteCustomerUserAction = userAction(
  managedCustomer.extend({ userId: z.uuid("That person is not a member of this customer.") }),
  async ({ customer, userId }, principal) => {
    const result = await removeMember(principal, customer, userId, { deleteUserIfAlone: true });
    return { ok: true, message: result.userDeleted ? `${result.name} was deleted.` : `${result.name} left ${customer}; they keep their other accounts.` };
  },
);
