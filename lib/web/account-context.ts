// Per request: the signed-in principal and what it may do in the account in the URL. Someone who may not see the
// account gets a 404, never the page.
import { notFound } from "next/navigation";
import { cache } from "react";
import { getAccount } from "@/lib/accounts";
import { isRefusal } from "@/lib/core";

/** Whether a URL segment could be an identifier at all (they are matched case-insensitively). */
export function isIdentifierLike(segment: string): boolean {
  return /^[a-z0-9-]{1,40}$/i.test(segment);
}
import { requirePrincipal } from "./session";
import { asUnavailable } from "./unavailable";

/**
 * Maps a refusal to the 404 page, and an unreachable database to the "temporarily unavailable" page; anything else
 * propagates. For pages, whose reader must not learn what exists.
 */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (isRefusal(err)) notFound();
    throw asUnavailable(err);
  }
}

export const getAccountContext = cache(async (identifier: string) => {
  const decoded = decodeURIComponent(identifier);
  // Something no identifier can be (a NUL, a slash, 5,000 characters) names no account: a 404, before any query.
  if (!isIdentifierLike(decoded)) notFound();
  const principal = await requirePrincipal(`/${decoded}`);
  const access = await orNotFound(getAccount(principal, decoded));
  return { principal, ...access };
});
