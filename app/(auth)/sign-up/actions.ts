"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signUp, signUpSchema } from "@/lib/accounts";
import { SIGN_UP_PER_IP, clientIp, consume } from "@/lib/limits";
import { publicAction, startSession } from "@/lib/web";

export const signUpAction = publicAction(signUpSchema, async (input, principal) => {
  // Counted once the form is valid, before the password is hashed; a refusal shows above the form.
  await consume(SIGN_UP_PER_IP, clientIp(await headers()));
  const { user, customer } = await signUp(principal, input);
  await startSession(user);
  redirect(`/${customer.identifier}`);
});
