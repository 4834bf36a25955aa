"use server";
import { redirect } from "next/navigation";
import { signUp, signUpSchema } from "@/lib/accounts";
import { publicAction, startSession } from "@/lib/web";

export const signUpAction = publicAction(signUpSchema, async (input, principal) => {
  const { user, customer } = await signUp(principal, input);
  await startSession(user);
  redirect(`/${customer.identifier}`);
});
