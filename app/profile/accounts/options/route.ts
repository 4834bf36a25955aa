// The signed-in person's accounts whose name or identifier contains what was typed, for the account switcher's search
// (JSON). The same operation as the Accounts page: a person only ever finds their own accounts.
import { listMyAccounts } from "@/lib/accounts";
import { userRoute } from "@/lib/web";

export const dynamic = "force-dynamic";

/** Enough to pick from; more matches say "type more". */
const LIMIT = 20;

export const GET = userRoute(async (principal, request) => {
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const list = await listMyAccounts(principal, { q, limit: LIMIT });
  return Response.json(
    { accounts: list.rows.map((a) => ({ identifier: a.identifier, name: a.name, kind: a.kind, trail: a.trail })), more: list.next !== null },
    { headers: { "cache-control": "private, no-store" } },
  );
});
