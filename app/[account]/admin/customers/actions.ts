"use server";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { createManagedCustomer, createManagedCustomerSchema } from "@/lib/partners";
import { identifierSchema } from "@/lib/validation";

// `account` is the partner's identifier; the domain function authorizes against it.
const partner = z.object({ account: identifierSchema });

export const createCustomerAction = userAction(partner.and(createManagedCustomerSchema), async ({ account, ...input }, user) => {
  const customer = await createManagedCustomer(user.id, account, input);
  return { ok: true, message: `Customer ${customer.name} (${customer.identifier}) created.` };
});
