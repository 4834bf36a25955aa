// Per-request: the signed-in user and their access to the account in the URL. Non-members get a 404, never the page.
import { notFound } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { can, findAccountAccess, type Permission } from "../authz";
import { requireUser } from "./session";

export const getAccountContext = cache(async (identifier: string) => {
  const user = await requireUser(`/${identifier}`);
  const access = await findAccountAccess(db, user.id, decodeURIComponent(identifier));
  if (!access) notFound();
  const allowed = (permission: Permission) => can(access.membership.group, permission, access.customer.kind);
  return { user, ...access, can: allowed };
});

/** For pages that need a permission: members without it see a clear refusal, not the controls. */
export async function requireAccountPermission(identifier: string, permission: Permission) {
  const ctx = await getAccountContext(identifier);
  return { ...ctx, permitted: ctx.can(permission) };
}
