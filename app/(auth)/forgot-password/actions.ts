"use server";
import { headers } from "next/headers";
import { RESET_PER_IP, clientIp, consume } from "@/lib/limits";
import { requestPasswordReset, requestPasswordResetSchema } from "@/lib/profile";
import { publicAction } from "@/lib/web";

// The same answer whether or not an account uses the address.
export const requestPasswordResetAction = publicAction(requestPasswordResetSchema, async (input, principal) => {
  await consume(RESET_PER_IP, clientIp(await headers()));
  await requestPasswordReset(principal, input);
  return { ok: true, message: `If an account uses ${input.email}, we sent a link there to choose a new password. It works once, for one hour.` };
});
