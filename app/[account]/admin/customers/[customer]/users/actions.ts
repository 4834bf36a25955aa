"use server";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { addMyself } from "@/lib/partners";
import { identifierSchema } from "@/lib/validation";

// `account` is the partner's identifier, `customer` the managed customer's; addMyself authorizes both.
const managedCustomer = z.object({ account: identifierSchema, customer: identifierSchema });

export const addMyselfAction = userAction(managedCustomer, async ({ account, customer }, user) => {
  const joined = await addMyself(user.id, account, customer);
  return { ok: true, message: `You are now a Customer Admin of ${joined.name}.` };
});
