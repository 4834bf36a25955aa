// The partner's first customer groups by name, read once per request for everything on the page that shows them: the
// sidebar lists some with their counts, and the group pickers start from them (a partner with more gets a picker that
// searches the server as one types).
import { cache } from "react";
import type { GroupChoices } from "@/app/components/group-picker";
import type { Principal } from "@/lib/authz";
import { listCustomerGroups } from "@/lib/customer-groups";

/** Groups rendered into a page at most; a partner with more gets the searching picker. */
const INLINE_GROUPS = 20;

export const getPartnerGroups = cache(async (principal: Principal, partner: string) => {
  const list = await listCustomerGroups(principal, partner, { limit: INLINE_GROUPS });
  return { rows: list.rows, complete: list.next === null };
});

/** What a group picker needs: ids and names only (the rest would travel to the browser twice, in HTML and payload). */
export async function getGroupChoices(principal: Principal, partner: string): Promise<GroupChoices> {
  const groups = await getPartnerGroups(principal, partner);
  return { choices: groups.rows.map((g) => ({ id: g.id, name: g.name })), complete: groups.complete };
}
