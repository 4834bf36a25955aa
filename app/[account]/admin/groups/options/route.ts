// The partner's customer groups whose name contains what was typed, for the group pickers of a partner with many
// groups (JSON). The same operation as the Groups page, so the same people may ask, and nobody else learns they exist.
import { isRefusal } from "@/lib/core";
import { listCustomerGroups } from "@/lib/customer-groups";
import { getPrincipal } from "@/lib/web";

export const dynamic = "force-dynamic";

/** Enough to pick from; more matches say "type more". */
const LIMIT = 20;

export async function GET(request: Request, { params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const principal = await getPrincipal();
  if (principal.kind !== "user") return Response.json({ error: "Sign in first." }, { status: 401 });
  const q = new URL(request.url).searchParams.get("q") ?? "";
  try {
    const list = await listCustomerGroups(principal, decodeURIComponent(account), { q, limit: LIMIT });
    return Response.json(
      { groups: list.rows.map((g) => ({ id: g.id, name: g.name })), more: list.next !== null },
      { headers: { "cache-control": "private, no-store" } },
    );
  } catch (err) {
    if (isRefusal(err)) return Response.json({ error: "Not found." }, { status: 404 });
    throw err;
  }
}
