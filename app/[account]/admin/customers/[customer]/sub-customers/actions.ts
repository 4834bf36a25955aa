"use server";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { setSelfManaged } from "@/lib/partners";
import { identifierSchema } from "@/lib/core";

// `account` is the manager's identifier (the page's), `customer` the managed customer's; setSelfManaged authorizes both.
const selfManagedSchema = z.object({
  account: identifierSchema,
  customer: identifierSchema,
  selfManaged: z.enum(["on", "off"], "Choose on or off."),
});

export const setSelfManagedAction = userAction(selfManagedSchema, async ({ account, customer, selfManaged }, principal) => {
  const updated = await setSelfManaged(principal, account, customer, selfManaged === "on");
  return {
    ok: true,
    message: updated.selfManaged
      ? `${updated.name} is now self-managed: its Customer Admins manage its sub-customers.`
      : `${updated.name} is no longer self-managed: only you manage its sub-customers.`,
  };
});
