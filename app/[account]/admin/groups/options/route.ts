// The partner's customer groups whose name contains what was typed, for the group pickers of a partner with many
// groups (JSON). The same operation as the Groups page, so the same people may ask, and nobody else learns they exist.
import { listCustomerGroups } from "@/lib/customer-groups";
import { userRoute } from "@/lib/web";

export const dynamic = "force-dynamic";

/** Enough to pick from; more matches say "type more". */
const LIMIT = 20;

export const GET = userRoute<{ account: string }>(async (principal, request, { account }) => {
  const q = new URL(request.url).searchParams.get("q") ?? "";
  const list = await listCustomerGroups(principal, account, { q, limit: LIMIT });
  return Response.json(
    { groups: list.rows.map((g) => ({ id: g.id, name: g.name })), more: list.next !== null },
    { headers: { "cache-control": "private, no-store" } },
  );
});
