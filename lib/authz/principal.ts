// Who is acting. Every domain operation takes one of these first; pages, actions, jobs and the CLI build it.
import type { Permission } from "./permissions";

export type UserPrincipal = {
  kind: "user";
  userId: string;
  email: string;
  name: string;
  isOperator: boolean;
  /** The account the person last opened, as their row said when this request began (unknown: undefined). */
  lastAccountId?: string | null;
  /** The session (its record's id) the request came with; none when the principal was built otherwise (a test, a script). */
  sessionId?: string;
};
/** The installation itself: the worker and the admin CLI (whoever may run it already owns the server). */
export type SystemPrincipal = { kind: "system"; label: "worker" | "cli" | "test" };
/** Room for the HTTP API: a key belongs to one account and carries the permissions it was given. */
export type ApiKeyPrincipal = { kind: "api_key"; keyId: string; customerId: string; scopes: readonly Permission[] };
export type AnonymousPrincipal = { kind: "anonymous" };

export type Principal = UserPrincipal | SystemPrincipal | ApiKeyPrincipal | AnonymousPrincipal;

export const ANONYMOUS: AnonymousPrincipal = { kind: "anonymous" };

export function systemPrincipal(label: SystemPrincipal["label"]): SystemPrincipal {
  return { kind: "system", label };
}

export function userPrincipal(
  user: { id: string; email: string; name: string; isOperator: boolean; lastAccountId?: string | null },
  sessionId?: string,
): UserPrincipal {
  const principal: UserPrincipal = {
    kind: "user",
    userId: user.id,
    email: user.email,
    name: user.name,
    isOperator: user.isOperator,
    lastAccountId: user.lastAccountId,
  };
  if (sessionId) principal.sessionId = sessionId;
  return principal;
}

/** The user behind a principal, when there is one (audit rows, "you" in lists). */
export function userIdOf(principal: Principal): string | null {
  return principal.kind === "user" ? principal.userId : null;
}
