import { redirect } from "next/navigation";
import { getManagedCustomerContext } from "../../admin-context";

// A customer's row in the list leads here: its Details tab (after the same check every tab makes).
export default async function CustomerPage({ params }: { params: Promise<{ account: string; customer: string }> }) {
  const { account, customer } = await params;
  const { customer: manager, managed } = await getManagedCustomerContext(account, customer);
  redirect(`/${manager.identifier}/admin/customers/${managed.identifier}/details`);
}
