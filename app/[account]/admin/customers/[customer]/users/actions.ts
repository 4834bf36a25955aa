"use server";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { addMyself } from "@/lib/partners";
import { identifierSchema } from "@/lib/core";

// `account` is the partner's identifier, `customer` the managed customer's; addMyself authorizes both.
const managedCustomer = z.object({ account: identifierSchema, customer: identifierSchema });

export const addMyselfAction = userAction(managedCustomer, async ({ account, customer }, principal) => {
  const joined = await addMyself(principal, account, customer);
  return { ok: true, message: `You are now a Customer Admin of ${joined.name}.` };
});
