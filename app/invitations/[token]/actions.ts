"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction, startSession, userAction } from "@/lib/web";
import { findHomePage } from "@/lib/accounts";
import { userPrincipal } from "@/lib/authz";
import { acceptInvitation, acceptInvitationWithSignUp, acceptWithSignUpSchema } from "@/lib/invitations";

const tokenSchema = z.object({ token: z.string().min(1) });

export const acceptInvitationAction = userAction(tokenSchema, async ({ token }, principal) => {
  const { customer } = await acceptInvitation(principal, token);
  // Into the account just joined, at its home page.
  redirect((await findHomePage(principal, customer.identifier)) ?? `/${customer.identifier}`);
});

/** Signed out and new: the e-mail is the invitation's own, so it is not a field here. */
export const acceptWithSignUpAction = publicAction(acceptWithSignUpSchema.extend(tokenSchema.shape), async ({ token, ...input }, principal) => {
  const { user, customer } = await acceptInvitationWithSignUp(principal, token, input);
  await startSession(user);
  redirect((await findHomePage(userPrincipal(user), customer.identifier)) ?? `/${customer.identifier}`);
});
