"use server";
import { z } from "zod";
import { identifierSchema, counted } from "@/lib/core";
import { createCustomerGroup, customerGroupSchema, deleteCustomerGroup, updateCustomerGroup } from "@/lib/customer-groups";
import { userAction } from "@/lib/web";

// `account` is the partner's identifier; the domain functions authorize against it.
const partner = z.object({ account: identifierSchema });
const oneGroup = partner.extend({ groupId: z.uuid("This group doesn't exist.") });

export const createGroupAction = userAction(partner.and(customerGroupSchema), async ({ account, ...input }, principal) => {
  const group = await createCustomerGroup(principal, account, input);
  return { ok: true, message: `Group ${group.name} created.` };
});

export const updateGroupAction = userAction(oneGroup.and(customerGroupSchema), async ({ account, groupId, ...input }, principal) => {
  const group = await updateCustomerGroup(principal, account, groupId, input);
  return { ok: true, message: `Group ${group.name} saved.` };
});

export const deleteGroupAction = userAction(oneGroup, async ({ account, groupId }, principal) => {
  const group = await deleteCustomerGroup(principal, account, groupId);
  return { ok: true, message: `Group ${group.name} deleted; ${counted.groupCustomersStay(group.customers)} in All.` };
});
