"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { failure, formValues, isRedirect, userAction, type ActionState } from "@/lib/action";
import { startSession } from "@/lib/auth/session-cookie";
import { acceptInvitation, acceptInvitationWithSignUp, acceptWithSignUpSchema } from "@/lib/invitations";
import { toFieldErrors } from "@/lib/validation";

const tokenSchema = z.object({ token: z.string().min(1) });

export const acceptInvitationAction = userAction(tokenSchema, async ({ token }, user) => {
  const { customer } = await acceptInvitation(user.id, token);
  redirect(`/${customer.identifier}`);
});

/** Signed out and new: the e-mail is the invitation's own, so it is not a field here. */
export async function acceptWithSignUpAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const values = formValues(formData);
  const parsed = acceptWithSignUpSchema.extend(tokenSchema.shape).safeParse({ ...values, password: formData.get("password") ?? "" });
  if (!parsed.success) return { error: "Please correct the highlighted fields.", fieldErrors: toFieldErrors(parsed.error), values };
  const { token, ...input } = parsed.data;
  try {
    const { user, customer } = await acceptInvitationWithSignUp(token, input);
    await startSession(user);
    redirect(`/${customer.identifier}`);
  } catch (err) {
    if (isRedirect(err)) throw err;
    return failure(err, values);
  }
}
