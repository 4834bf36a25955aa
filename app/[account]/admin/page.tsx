import { redirect } from "next/navigation";
import { getAdminContext } from "./admin-context";

export default async function AdministrationHome({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const { customer } = await getAdminContext(account);
  redirect(`/${customer.identifier}/admin/customers`);
}
