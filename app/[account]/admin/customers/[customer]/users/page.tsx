import type { Metadata } from "next";
import { db } from "@/db/client";
import { Pagination, SearchBox, withParams } from "@/app/components/list-controls";
import { GROUP_LABELS } from "@/lib/authz";
import { listInvitations } from "@/lib/invitations";
import { listMembers } from "@/lib/members";
import { PAGE_SIZE, pageParams } from "@/lib/pagination";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";
import { AddMyself } from "./add-myself";

export const metadata: Metadata = { title: "Customer Users · Administration" };

type SearchParams = Record<"q" | "page" | "iq" | "ipage", string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** Server time in UTC, as on the account's own Users page; the tables show the day and keep the time in a tooltip. */
const formatTime = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
const Day = ({ at }: { at: Date }) => <time dateTime={at.toISOString()} title={formatTime(at)}>{at.toISOString().slice(0, 10)}</time>;

export default async function CustomerUsersPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; customer: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { account, customer: customerParam } = await params;
  const sp = await searchParams;
  const current = { q: first(sp.q), page: first(sp.page), iq: first(sp.iq), ipage: first(sp.ipage) };
  const { user, customer: partner, managed, myGroup, can } = await getManagedCustomerContext(account, customerParam);
  const memberList = pageParams({ q: current.q, page: current.page });
  const invitationList = pageParams({ q: current.iq, page: current.ipage });
  const [members, invitations] = await Promise.all([listMembers(db, managed.id, memberList), listInvitations(db, managed.id, invitationList)]);
  const path = `/${partner.identifier}/admin/customers/${managed.identifier}/users`;
  const now = Date.now();

  return (
    <div className="space-y-8">
      <CustomerHeader
        partnerIdentifier={partner.identifier}
        customer={managed}
        title="Customer Users"
        actions={
          can("MANAGE_CUSTOMERS") ? (
            <AddMyself account={partner.identifier} customer={{ identifier: managed.identifier, name: managed.name }} isAdmin={myGroup === "customer_admin"} />
          ) : null
        }
      />

      <section aria-labelledby="customer-users-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="customer-users-heading" className="text-lg font-semibold">
              Users
            </h2>
            <p className="text-sm text-slate-600">Who can use {managed.name}. Customer Admins manage them from the account&apos;s own Users page.</p>
          </div>
          <SearchBox q={memberList.q} label="Search users" keep={{ iq: current.iq, ipage: current.ipage }} />
        </div>
        <div className="card overflow-hidden">
          <div className="overflow-x-auto">
            <table className="table min-w-[36rem] whitespace-nowrap">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>E-mail</th>
                  <th>Group</th>
                  <th>Joined</th>
                </tr>
              </thead>
              <tbody>
                {members.rows.map((m) => (
                  <tr key={m.userId} data-testid="member-row">
                    <td className="font-medium">
                      {m.name}
                      {m.userId === user.id ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
                    </td>
                    <td>{m.email}</td>
                    <td>{GROUP_LABELS[m.group]}</td>
                    <td>
                      <Day at={m.joinedAt} />
                    </td>
                  </tr>
                ))}
                {members.rows.length === 0 ? (
                  <tr>
                    <td colSpan={4} className="py-6 text-center text-slate-500">
                      {memberList.q ? "No user matches your search." : "No users yet. Add yourself, then invite the customer's users from its Users page."}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <Pagination label="Users" page={memberList.page} pageSize={PAGE_SIZE} total={members.total} hrefFor={(p) => withParams(path, current, { page: p })} />
        </div>
      </section>

      <section aria-labelledby="customer-invitations-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="customer-invitations-heading" className="text-lg font-semibold">
              Pending Invitations
            </h2>
            <p className="text-sm text-slate-600">Sent, not yet accepted.</p>
          </div>
          <SearchBox q={invitationList.q} label="Search invitations" param="iq" keep={{ q: current.q, page: current.page }} />
        </div>
        <div className="card overflow-hidden">
          <div className="overflow-x-auto">
            <table className="table min-w-[44rem] whitespace-nowrap">
              <thead>
                <tr>
                  <th>Full name</th>
                  <th>E-mail</th>
                  <th>Group</th>
                  <th>Invited by</th>
                  <th>Sent</th>
                  <th>Expires</th>
                </tr>
              </thead>
              <tbody>
                {invitations.rows.map((inv) => (
                  <tr key={inv.id} data-testid="invitation-row">
                    <td className="font-medium">{inv.fullName}</td>
                    <td>{inv.email}</td>
                    <td>{GROUP_LABELS[inv.group]}</td>
                    <td>{inv.invitedByName ?? "—"}</td>
                    <td>
                      <Day at={inv.sentAt} />
                    </td>
                    <td>
                      {inv.expiresAt.getTime() < now ? (
                        <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" title={`Expired ${formatTime(inv.expiresAt)}`}>
                          expired
                        </span>
                      ) : (
                        <Day at={inv.expiresAt} />
                      )}
                    </td>
                  </tr>
                ))}
                {invitations.rows.length === 0 ? (
                  <tr>
                    <td colSpan={6} className="py-6 text-center text-slate-500">
                      {invitationList.q ? "No pending invitation matches your search." : "No pending invitations."}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
          <Pagination
            label="Pending invitations"
            page={invitationList.page}
            pageSize={PAGE_SIZE}
            total={invitations.total}
            hrefFor={(p) => withParams(path, current, { ipage: p })}
          />
        </div>
      </section>
    </div>
  );
}
