// The Administration area exists only for those who may see it (members of partner accounts); everyone else gets the
// same 404 as a stranger.
import { notFound } from "next/navigation";
import { cache } from "react";
import { getManagedCustomer } from "@/lib/partners";
import { getAccountContext, isIdentifierLike, orNotFound } from "@/lib/web";

/** Checked by the layout and again by every page: a page renders even when its layout bails out. */
export const getAdminContext = cache(async (account: string) => {
  const ctx = await getAccountContext(account);
  if (!ctx.can("VIEW_ADMINISTRATION")) notFound();
  return ctx;
});

/** One of this partner's managed customers; another partner's customer (or none) is a 404. */
export const getManagedCustomerContext = cache(async (account: string, customerIdentifier: string) => {
  const ctx = await getAdminContext(account);
  const decoded = decodeURIComponent(customerIdentifier);
  if (!isIdentifierLike(decoded)) notFound();
  const managed = await orNotFound(getManagedCustomer(ctx.principal, ctx.customer.identifier, decoded));
  return { ...ctx, managed: managed.customer, alreadyAdmin: managed.alreadyAdmin, canManage: managed.can };
});
