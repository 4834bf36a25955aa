"use server";
// The page of a signed-in person without an account: create one of their own, or accept an invitation sent to them.
import { redirect } from "next/navigation";
import { z } from "zod";
import { createOwnAccount, ownAccountSchema } from "@/lib/accounts";
import { acceptMyInvitation } from "@/lib/invitations";
import { userAction } from "@/lib/web";

export const createOwnAccountAction = userAction(ownAccountSchema, async (input, principal) => {
  const customer = await createOwnAccount(principal, input);
  redirect(`/${customer.identifier}`);
});

export const acceptMyInvitationAction = userAction(
  z.object({ invitationId: z.uuid("This invitation doesn't exist.") }),
  async ({ invitationId }, principal) => {
    const { customer } = await acceptMyInvitation(principal, invitationId);
    redirect(`/${customer.identifier}`);
  },
);
