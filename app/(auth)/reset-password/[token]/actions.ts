"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { resetPassword, resetPasswordSchema } from "@/lib/profile";
import { publicAction } from "@/lib/web";

const schema = resetPasswordSchema.extend({ token: z.string().min(1) });

// The link is the permission. Every session of the account ends; the person signs in with the new password.
export const resetPasswordAction = publicAction(schema, async ({ token, ...input }, principal) => {
  const { email } = await resetPassword(principal, token, input);
  redirect(`/reset-password/done?${new URLSearchParams({ email })}`);
});
