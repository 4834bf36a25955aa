"use server";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { createManagedCustomer, createManagedCustomerSchema } from "@/lib/partners";
import { identifierSchema } from "@/lib/core";

// `account` is the partner's identifier; the domain function authorizes against it.
const partner = z.object({ account: identifierSchema });

export const createCustomerAction = userAction(partner.and(createManagedCustomerSchema), async ({ account, ...input }, principal) => {
  const customer = await createManagedCustomer(principal, account, input);
  return { ok: true, message: `Customer ${customer.name} (${customer.identifier}) created.` };
});
