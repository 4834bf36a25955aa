// Turns FormData into typed input for a server action and any failure into a state the form can show next to its
// fields. The one adapter from the domain's errors to what a form displays.
import { refresh } from "next/cache";
import type { z } from "zod";
import { ANONYMOUS, type Principal, type UserPrincipal } from "@/lib/authz";
import { toFieldErrors } from "@/lib/core";
import { errorAnswer } from "./error-answer";
import { getPrincipal } from "./session";

export type ActionState = {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
  /** What the action answers besides a message, for the form to show (a preview). */
  data?: Record<string, string | number | boolean | string[]>;
};

/** The form's text fields (React's own `$ACTION…` fields left out): what the action parses. */
export function formInput(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === "string" && !k.startsWith("$")) out[k] = v;
  return out;
}

/** What goes back to the form to refill it after an error: everything but passwords, which never travel back. */
export function formValues(formData: FormData): Record<string, string> {
  return Object.fromEntries(Object.entries(formInput(formData)).filter(([k]) => !/password/i.test(k)));
}

/** The form state for an error: a domain error's own words (next to its field when it has one), else a generic line. */
export function toFormState(err: unknown, values?: Record<string, string>): ActionState {
  const answer = errorAnswer(err, "action");
  // An error that belongs to one field is shown next to that field only.
  const onAField = Object.values(answer.fieldErrors).includes(answer.message);
  return { error: onAField ? undefined : answer.message, fieldErrors: answer.code === "internal" ? undefined : answer.fieldErrors, values };
}

type Handler<S extends z.ZodType, P extends Principal> = (input: z.infer<S>, principal: P, formData: FormData) => Promise<ActionState | void>;

function action<S extends z.ZodType, P extends Principal>(schema: S, handler: Handler<S, P>, who: () => Promise<P | null>) {
  return async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    // A hand-made call can send anything as arguments: only a form is an input.
    if (!(formData instanceof FormData)) return { error: "This form could not be read. Reload the page and try again." };
    const values = formValues(formData);
    let principal: P | null;
    try {
      principal = await who();
    } catch (err) {
      // Reading the session's user is the first query of every action: the database may already be out of reach.
      if (isRedirect(err)) throw err;
      return toFormState(err, values);
    }
    if (!principal) return { error: "Your session has ended. Please sign in again.", values };
    const parsed = schema.safeParse(formInput(formData));
    if (!parsed.success) return { error: "Please correct the highlighted fields.", fieldErrors: toFieldErrors(parsed.error), values };
    try {
      const result = (await handler(parsed.data, principal, formData)) ?? { ok: true };
      // Pages are rendered per request from the database: re-render the current one with what just changed.
      refresh();
      return result;
    } catch (err) {
      if (isRedirect(err)) throw err;
      return toFormState(err, values);
    }
  };
}

/** A server action for a signed-in user: parse → call (which authorizes in the domain layer) → refresh → state. */
export function userAction<S extends z.ZodType>(schema: S, handler: Handler<S, UserPrincipal>) {
  return action(schema, handler, async () => {
    const p = await getPrincipal();
    return p.kind === "user" ? p : null;
  });
}

/** A server action anyone may submit (sign-up, accepting an invitation by signing up); the domain decides. */
export function publicAction<S extends z.ZodType>(schema: S, handler: Handler<S, Principal>) {
  return action(schema, handler, async () => (await getPrincipal()) ?? ANONYMOUS);
}

export function isRedirect(err: unknown): boolean {
  const digest = (err as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_NOT_FOUND") || digest.startsWith("NEXT_HTTP_ERROR"));
}
