"use server";
import { z } from "zod";
import { emailSchema, identifierSchema } from "@/lib/core";
import { setOperator } from "@/lib/operators";
import { quotaSchema, setAccountKind, setCustomerQuota } from "@/lib/partners";
import { userAction } from "@/lib/web";

const account = z.object({ account: identifierSchema });
// An empty field would coerce to 0: treat it as missing, which quotaSchema answers with "Enter a number of projects."
const quotaInput = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), quotaSchema);

export const setAccountKindAction = userAction(account.extend({ kind: z.enum(["partner", "customer"]) }), async ({ account, kind }, principal) => {
  const updated = await setAccountKind(principal, account, kind);
  return { ok: true, message: `${updated.name} is now a ${updated.kind === "partner" ? "partner" : "customer"} account.` };
});

export const setAnyQuotaAction = userAction(account.extend({ quota: quotaInput }), async ({ account, quota }, principal) => {
  const updated = await setCustomerQuota(principal, account, quota);
  return { ok: true, message: `The project quota of ${updated.name} is now ${updated.projectQuota}.` };
});

export const setOperatorAction = userAction(z.object({ email: emailSchema, operator: z.enum(["yes", "no"]) }), async ({ email, operator }, principal) => {
  await setOperator(principal, email, operator === "yes");
  return { ok: true, message: operator === "yes" ? `${email} is now an operator.` : `${email} is no longer an operator.` };
});
