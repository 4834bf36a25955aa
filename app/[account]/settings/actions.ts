"use server";
import { z } from "zod";
import { updateSettings } from "@/lib/accounts";
import { userAction } from "@/lib/action";
import { identifierSchema, settingsSchema } from "@/lib/validation";

// `account` names which account to change; the identifier itself is not an editable field and is ignored if sent.
const schema = z.object({ account: identifierSchema }).and(settingsSchema);

export const updateSettingsAction = userAction(schema, async (input, user) => {
  const { account, ...settings } = input;
  await updateSettings(user.id, account, settings);
  return { ok: true, message: "Settings saved." };
});
