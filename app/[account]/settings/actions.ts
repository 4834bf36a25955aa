"use server";
import { z } from "zod";
import { updateCustomerDetails, updateSettings } from "@/lib/accounts";
import { userAction } from "@/lib/web";
import { customerDetailsSchema, identifierSchema, settingsSchema } from "@/lib/core";

// `account` names which account to change; the identifier itself is not an editable field and is ignored if sent.
const schema = z.object({ account: identifierSchema }).and(settingsSchema);

export const updateSettingsAction = userAction(schema, async (input, principal) => {
  const { account, ...settings } = input;
  await updateSettings(principal, account, settings);
  return { ok: true, message: "Settings saved." };
});

// One action for a customer's details, from its own Settings and from its managers' Administration: `account` is the
// customer whose details change (the operation decides who may), never the manager's.
const detailsSchema = z.object({ account: identifierSchema }).and(customerDetailsSchema);

export const updateCustomerDetailsAction = userAction(detailsSchema, async ({ account, ...details }, principal) => {
  const updated = await updateCustomerDetails(principal, account, details);
  return { ok: true, message: `The details of ${updated.name} are saved.` };
});
