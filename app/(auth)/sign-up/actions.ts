"use server";
import { redirect } from "next/navigation";
import { signUp, signUpSchema } from "@/lib/accounts";
import { failure, formValues, isRedirect, type ActionState } from "@/lib/action";
import { startSession } from "@/lib/auth/session-cookie";
import { toFieldErrors } from "@/lib/validation";

export async function signUpAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const values = formValues(formData);
  const parsed = signUpSchema.safeParse({ ...values, password: formData.get("password") ?? "" });
  if (!parsed.success) return { error: "Please correct the highlighted fields.", fieldErrors: toFieldErrors(parsed.error), values };
  try {
    const { user, customer } = await signUp(parsed.data);
    await startSession(user);
    redirect(`/${customer.identifier}`);
  } catch (err) {
    if (isRedirect(err)) throw err;
    return failure(err, values);
  }
}
