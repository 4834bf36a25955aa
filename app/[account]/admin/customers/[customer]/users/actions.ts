"use server";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { memberNameSchema, removeMember, renameMember } from "@/lib/members";
import { addMyself } from "@/lib/partners";
import { identifierSchema } from "@/lib/core";

// `account` is the partner's identifier, `customer` the managed customer's; addMyself authorizes both.
const managedCustomer = z.object({ account: identifierSchema, customer: identifierSchema });

export const addMyselfAction = userAction(managedCustomer, async ({ account, customer }, principal) => {
  const joined = await addMyself(principal, account, customer);
  return { ok: true, message: `You are now a Customer Admin of ${joined.name}.` };
});

// renameMember authorizes the principal against the customer itself (its managers hold MANAGE_USERS there).
const renameSchema = managedCustomer.extend({ userId: z.uuid("That person is not a member of this customer.") }).and(memberNameSchema);

export const renameCustomerUserAction = userAction(renameSchema, async ({ customer, userId, name }, principal) => {
  const renamed = await renameMember(principal, customer, userId, { name });
  return { ok: true, message: `Name changed to ${renamed.name}.` };
});

/** Deletes a customer user: they leave the customer, and their user goes too when they belong to no other account. */
export const deleteCustomerUserAction = userAction(
  managedCustomer.extend({ userId: z.uuid("That person is not a member of this customer.") }),
  async ({ customer, userId }, principal) => {
    const result = await removeMember(principal, customer, userId, { deleteUserIfAlone: true });
    return { ok: true, message: result.userDeleted ? `${result.name} was deleted.` : `${result.name} left ${customer}; they keep their other accounts.` };
  },
);
