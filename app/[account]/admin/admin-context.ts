// The Administration area exists only for members of partner accounts; everyone else gets the same 404 as a stranger.
import { notFound } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { getAccountContext } from "@/lib/auth/account-context";
import { findAccountAccess } from "@/lib/authz";
import { NotFoundError } from "@/lib/errors";
import { findManagedCustomer } from "@/lib/partners";

/** Checked by the layout and again by every page: a page renders even when its layout bails out. */
export const getAdminContext = cache(async (account: string) => {
  const ctx = await getAccountContext(account);
  if (!ctx.can("VIEW_ADMINISTRATION")) notFound();
  return ctx;
});

/** One of this partner's managed customers; another partner's customer (or none) is a 404. */
export const getManagedCustomerContext = cache(async (account: string, customerIdentifier: string) => {
  const ctx = await getAdminContext(account);
  try {
    const managed = await findManagedCustomer(db, ctx.customer.id, decodeURIComponent(customerIdentifier));
    const myAccess = await findAccountAccess(db, ctx.user.id, managed.identifier);
    return { ...ctx, managed, myGroup: myAccess?.membership.group ?? null };
  } catch (err) {
    if (err instanceof NotFoundError) notFound();
    throw err;
  }
});
