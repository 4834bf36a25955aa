// Turns FormData into typed input for a server action and any failure into a state the form can show next to its
// fields. The one adapter from the domain's errors to what a form displays.
import { refresh } from "next/cache";
import type { z } from "zod";
import { ANONYMOUS, type Principal, type UserPrincipal } from "@/lib/authz";
import { AppError, toFieldErrors } from "@/lib/core";
import { getPrincipal } from "./session";

export type ActionState = {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
};

export function formValues(formData: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of formData.entries()) if (typeof v === "string" && !k.startsWith("$") && !/password/i.test(k)) out[k] = v;
  return out;
}

/** The form state for an error: a domain error's own words (next to its field when it has one), else a generic line. */
export function toFormState(err: unknown, values?: Record<string, string>): ActionState {
  if (err instanceof AppError) {
    // An error that belongs to one field is shown next to that field only.
    const onAField = Object.values(err.fieldErrors).includes(err.message);
    return { error: onAField ? undefined : err.message, fieldErrors: err.fieldErrors, values };
  }
  console.error("[action] unexpected error", err);
  return { error: "Something went wrong on our side. Nothing was saved; please try again.", values };
}

type Handler<S extends z.ZodType, P extends Principal> = (input: z.infer<S>, principal: P, formData: FormData) => Promise<ActionState | void>;

function action<S extends z.ZodType, P extends Principal>(
  schema: S,
  handler: Handler<S, P>,
  who: () => Promise<P | null>,
  opts: { withPassword?: boolean } = {},
) {
  return async (_prev: ActionState, formData: FormData): Promise<ActionState> => {
    const values = formValues(formData);
    const principal = await who();
    if (!principal) return { error: "Your session has ended. Please sign in again.", values };
    const parsed = schema.safeParse(opts.withPassword ? { ...values, password: formData.get("password") ?? "" } : values);
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
  return action(schema, handler, async () => (await getPrincipal()) ?? ANONYMOUS, { withPassword: true });
}

export function isRedirect(err: unknown): boolean {
  const digest = (err as { digest?: unknown } | null)?.digest;
  return typeof digest === "string" && (digest.startsWith("NEXT_REDIRECT") || digest.startsWith("NEXT_NOT_FOUND") || digest.startsWith("NEXT_HTTP_ERROR"));
}
