"use server";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { quotaSchema, setCustomerQuota } from "@/lib/partners";
import { identifierSchema, counted } from "@/lib/core";

// An empty field would coerce to 0: treat it as missing, which quotaSchema answers with "Enter a number of projects."
const quotaInput = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), quotaSchema);

// `account` is the partner's identifier (the page's), `customer` the managed customer's; setCustomerQuota authorizes
// the principal against the customer itself.
const quotaFormSchema = z.object({ account: identifierSchema, customer: identifierSchema, quota: quotaInput });

export const setQuotaAction = userAction(quotaFormSchema, async ({ customer, quota }, principal) => {
  const updated = await setCustomerQuota(principal, customer, quota);
  return { ok: true, message: `The project quota of ${updated.name} is now ${counted.projects(updated.projectQuota)}.` };
});
