import Link from "next/link";
import { getAccountContext } from "@/lib/web";
import { GROUP_LABELS } from "@/lib/authz";

export default async function AccountHome({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const { customer, membership } = await getAccountContext(account);
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">{customer.name}</h1>
        <p className="text-sm text-slate-600">
          Identifier <span className="font-mono">{customer.identifier}</span> {membership ? <> · you are {GROUP_LABELS[membership.group]}</> : null}
        </p>
      </div>
      <div className="grid gap-4 sm:grid-cols-3">
        {[
          { href: "projects", title: "Projects", text: "Your projects and who can use them." },
          { href: "users", title: "Users", text: "Members, groups and pending invitations." },
          { href: "settings", title: "Settings", text: "Name, tax ID, billing address, payment method." },
        ].map((c) => (
          <Link key={c.href} href={`/${customer.identifier}/${c.href}`} className="card block p-4 hover:border-blue-300">
            <h2 className="font-semibold">{c.title}</h2>
            <p className="mt-1 text-sm text-slate-600">{c.text}</p>
          </Link>
        ))}
      </div>
    </section>
  );
}
