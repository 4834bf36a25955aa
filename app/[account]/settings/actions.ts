"use server";
import { z } from "zod";
import { updateSettings } from "@/lib/accounts";
import { userAction } from "@/lib/web";
import { identifierSchema, settingsSchema } from "@/lib/core";

// `account` names which account to change; the identifier itself is not an editable field and is ignored if sent.
const schema = z.object({ account: identifierSchema }).and(settingsSchema);

export const updateSettingsAction = userAction(schema, async (input, principal) => {
  const { account, ...settings } = input;
  await updateSettings(principal, account, settings);
  return { ok: true, message: "Settings saved." };
});
