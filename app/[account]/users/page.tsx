import type { Metadata } from "next";
import { db } from "@/db/client";
import { Pagination, SearchBox, withParams } from "@/app/components/list-controls";
import { getAccountContext } from "@/lib/auth/account-context";
import { GROUP_LABELS, groupsFor, isAdminGroup } from "@/lib/authz";
import { listInvitations } from "@/lib/invitations";
import { listMembers } from "@/lib/members";
import { PAGE_SIZE, pageParams } from "@/lib/pagination";
import { InvitationRow } from "./invitation-row";
import { InviteForm } from "./invite-form";
import { MemberRow } from "./member-row";
import { ListFeedback } from "./row-feedback";

export const metadata: Metadata = { title: "Users" };

type SearchParams = Record<"q" | "page" | "iq" | "ipage", string | string[] | undefined>;

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** The day, with the exact time (UTC, as in the e-mails) on hover. */
function Day({ date }: { date: Date }) {
  const iso = date.toISOString();
  return (
    <time dateTime={iso} title={`${iso.slice(0, 16).replace("T", " ")} UTC`}>
      {iso.slice(0, 10)}
    </time>
  );
}

export default async function UsersPage({ params, searchParams }: { params: Promise<{ account: string }>; searchParams: Promise<SearchParams> }) {
  const { account } = await params;
  const sp = await searchParams;
  const current = { q: first(sp.q), page: first(sp.page), iq: first(sp.iq), ipage: first(sp.ipage) };
  const { user, customer, can } = await getAccountContext(account);
  const manage = can("MANAGE_USERS");
  const memberList = pageParams({ q: current.q, page: current.page });
  const invitationList = pageParams({ q: current.iq, page: current.ipage });
  const [members, invitations] = await Promise.all([
    listMembers(db, customer.id, memberList),
    manage ? listInvitations(db, customer.id, invitationList) : null,
  ]);
  const path = `/${customer.identifier}/users`;
  const groups = groupsFor(customer.kind).map((g) => ({ value: g, label: GROUP_LABELS[g] }));
  const now = Date.now();

  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold">Users</h1>
        <p className="mt-1 text-sm text-slate-600">The people who can use {customer.name} and its projects.</p>
      </div>

      {invitations ? (
        <section aria-labelledby="invitations-heading" className="space-y-3">
          <div className="flex flex-wrap items-end justify-between gap-3">
            <div>
              <h2 id="invitations-heading" className="text-lg font-semibold">
                Pending Invitations
              </h2>
              <p className="text-sm text-slate-600">Enter a full name and e-mail address and press + to send an invitation e-mail.</p>
            </div>
            <SearchBox q={invitationList.q} label="Search invitations" param="iq" keep={{ q: current.q, page: current.page }} />
          </div>
          <ListFeedback>
            <div className="card overflow-hidden">
              <InviteForm account={customer.identifier} groups={groups} defaultGroup={groups.find((g) => !isAdminGroup(g.value))?.value ?? groups[0].value} />
              <div className="relative overflow-x-auto">
                <table className="table whitespace-nowrap">
                  <thead>
                    <tr>
                      <th>Full name</th>
                      <th>E-mail</th>
                      <th>Group</th>
                      <th>Invited by</th>
                      <th>Sent</th>
                      <th>Expires</th>
                      <th>Delivery</th>
                      <th>
                        <span className="sr-only">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {invitations.rows.map((inv) => (
                      <InvitationRow
                        key={inv.id}
                        account={customer.identifier}
                        invitation={{
                          id: inv.id,
                          fullName: inv.fullName,
                          email: inv.email,
                          groupLabel: GROUP_LABELS[inv.group],
                          invitedBy: inv.invitedByName ?? "—",
                          sentAt: <Day date={inv.sentAt} />,
                          expiresAt: <Day date={inv.expiresAt} />,
                          expired: inv.expiresAt.getTime() < now,
                          deliveryStatus: inv.deliveryStatus,
                        }}
                      />
                    ))}
                    {invitations.rows.length === 0 ? (
                      <tr>
                        <td colSpan={8} className="text-center text-slate-500">
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
          </ListFeedback>
        </section>
      ) : null}

      <section aria-labelledby="users-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <div>
            <h2 id="users-heading" className="text-lg font-semibold">
              Users
            </h2>
            <p className="text-sm text-slate-600">
              {manage
                ? "Change a group with the select and save it with the disc. Removing someone also removes them from every project."
                : "Only Customer Admins can invite people, change groups and remove members."}
            </p>
          </div>
          <SearchBox q={memberList.q} label="Search users" keep={{ iq: current.iq, ipage: current.ipage }} />
        </div>
        <ListFeedback>
          <div className="card overflow-hidden">
            <div className="relative overflow-x-auto">
              <table className="table whitespace-nowrap">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>E-mail</th>
                    <th>Group</th>
                    <th>Joined</th>
                    {manage ? (
                      <th>
                        <span className="sr-only">Actions</span>
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {members.rows.map((m) => (
                    <MemberRow
                      key={m.userId}
                      manage={manage}
                      account={customer.identifier}
                      accountName={customer.name}
                      groups={groups}
                      member={{
                        userId: m.userId,
                        name: m.name,
                        email: m.email,
                        group: m.group,
                        groupLabel: GROUP_LABELS[m.group],
                        joined: <Day date={m.joinedAt} />,
                        isYou: m.userId === user.id,
                      }}
                    />
                  ))}
                  {members.rows.length === 0 ? (
                    <tr>
                      <td colSpan={manage ? 5 : 4} className="text-center text-slate-500">
                        No user matches your search.
                      </td>
                    </tr>
                  ) : null}
                </tbody>
              </table>
            </div>
            <Pagination
              label="Users"
              page={memberList.page}
              pageSize={PAGE_SIZE}
              total={members.total}
              hrefFor={(p) => withParams(path, current, { page: p })}
            />
          </div>
        </ListFeedback>
      </section>
    </div>
  );
}
