"use server";
import { z } from "zod";
import {
  changeEmailSchema,
  changePassword,
  changePasswordSchema,
  endSession,
  requestEmailChange,
  resendVerification,
  signOutEverywhere,
  updateName,
  updateNameSchema,
} from "@/lib/profile";
import { userAction, type ActionState } from "@/lib/web";

type FormAction = (prev: ActionState, formData: FormData) => Promise<ActionState>;

/** What a form sends back keeps what was typed, except passwords. */
function withoutPasswords(action: FormAction): FormAction {
  return async (prev, formData) => {
    const state = await action(prev, formData);
    if (!state.values) return state;
    const values = Object.fromEntries(Object.entries(state.values).filter(([k]) => !/password/i.test(k)));
    return { ...state, values };
  };
}

export const updateNameAction = userAction(updateNameSchema, async (input, principal) => {
  await updateName(principal, input);
  return { ok: true, message: "Name saved." };
});

export const resendVerificationAction = userAction(z.object({}), async (_input, principal) => {
  const { email } = await resendVerification(principal);
  return { ok: true, message: `We sent a new confirmation link to ${email}.` };
});

export const changeEmailAction = withoutPasswords(
  userAction(changeEmailSchema, async (input, principal) => {
    const { email } = await requestEmailChange(principal, input);
    return { ok: true, message: `We sent a link to ${email}. Your address changes when you open it while signed in here.` };
  }),
);

// Every other session ends with a new password; this one goes on.
export const changePasswordAction = withoutPasswords(
  userAction(changePasswordSchema, async (input, principal) => {
    await changePassword(principal, input);
    return { ok: true, message: "Password changed. You were signed out everywhere else." };
  }),
);

export const signOutEverywhereAction = userAction(z.object({}), async (_input, principal) => {
  await signOutEverywhere(principal);
  return { ok: true, message: "You were signed out on every other device and browser." };
});

export const endSessionAction = userAction(z.object({ sessionId: z.string().min(1).max(200) }), async ({ sessionId }, principal) => {
  await endSession(principal, sessionId);
  return { ok: true, message: "Signed out on that device." };
});
