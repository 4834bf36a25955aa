"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { signUp, signUpSchema } from "@/lib/accounts";
import { SIGN_UP_PER_IP, clientIp, consume } from "@/lib/limits";
import { publicAction } from "@/lib/web";

export const signUpAction = publicAction(signUpSchema, async (input, principal) => {
  // Counted once the form is valid, before the password is hashed; a refusal shows above the form.
  await consume(SIGN_UP_PER_IP, clientIp(await headers()));
  await signUp(principal, input);
  // The same page whether the address was new or has an account already (its owner is e-mailed instead): sign-up
  // tells nobody who has an account, so nobody is signed in by it either.
  redirect("/sign-up/sent");
});
