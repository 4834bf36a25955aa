// Turns FormData into typed input for a server action and any failure into a state the form can show next to its fields.
import { refresh } from "next/cache";
import type { z } from "zod";
import type { User } from "@/db/schema";
import { getCurrentUser } from "./auth/session";
import { DomainError } from "./errors";
import { toFieldErrors } from "./validation";

export type ActionState = {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
};

export function formValues(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === "string" && !k.startsWith("$") && k !== "password") out[k] = v;
  return out;
}

export function failure(err: unknown, values?: Record<string, string>): ActionState {
  if (err instanceof DomainError) {
    // An error that belongs to one field is shown next to that field only.
    const onAField = Object.values(err.fieldErrors).includes(err.message);
    return { error: onAField ? undefined : err.message, fieldErrors: err.fieldErrors, values };
  }
  console.error("[action] unexpected error", err);
  return { error: "Something went wrong on our side. Nothing was saved; please try again.", values };
}

/** A server action for a signed-in user: parse → call (which authorizes in the domain layer) → refresh the page → state. */
export function userAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.infer<S>, user: User, formData: FormData) => Promise<ActionState | void>,
) {
  return async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const user = await getCurrentUser();
    if (!user) return { error: "Your session has ended. Please sign in again.", values };
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
      const fieldErrors = toFieldErrors(parsed.error);
      return { error: "Please correct the highlighted fields.", fieldErrors, values };
    }
    try {
      const result = (await handler(parsed.data, user, formData)) ?? { ok: true };
      // Pages are rendered per request from the database: re-render the current one with what just changed.
      refresh();
      return result;
    } catch (err) {
      if (isRedirect(err)) throw err;
      return failure(err, values);
    }
  };
}

export function isRedirect(err: unknown): boolean {
  const digest = (err as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_NOT_FOUND") || digest.startsWith("NEXT_HTTP_ERROR"));
}
