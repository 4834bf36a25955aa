import type { Metadata } from "next";
import { Day, formatUtc } from "@/app/components/day";
import { Pagination, SearchBox, withParams } from "@/app/components/list-controls";
import { ListSection, TableCard } from "@/app/components/list-section";
import { GROUP_LABELS } from "@/lib/authz";
import { listInvitations } from "@/lib/invitations";
import { listMembers } from "@/lib/members";
import { PAGE_SIZE, firstParams, pageParams, type SearchParams } from "@/lib/core";
import { orNotFound } from "@/lib/web";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";
import { AddMyself } from "./add-myself";

export const metadata: Metadata = { title: "Customer Users · Administration" };

export default async function CustomerUsersPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; customer: string }>;
  searchParams: Promise<SearchParams<"q" | "page" | "iq" | "ipage">>;
}) {
  const { account, customer: customerParam } = await params;
  const current = firstParams(await searchParams, ["q", "page", "iq", "ipage"]);
  const { principal, customer: partner, managed, alreadyAdmin, canManage } = await getManagedCustomerContext(account, customerParam);
  const memberList = pageParams({ q: current.q, page: current.page });
  const invitationList = pageParams({ q: current.iq, page: current.ipage });
  const [members, invitations] = await Promise.all([
    orNotFound(listMembers(principal, managed.identifier, memberList)),
    orNotFound(listInvitations(principal, managed.identifier, invitationList)),
  ]);
  const path = `/${partner.identifier}/admin/customers/${managed.identifier}/users`;
  const now = Date.now();

  return (
    <div className="space-y-8">
      <CustomerHeader
        partnerIdentifier={partner.identifier}
        customer={managed}
        title="Customer Users"
        actions={
          canManage("ADD_MYSELF") ? (
            <AddMyself account={partner.identifier} customer={{ identifier: managed.identifier, name: managed.name }} isAdmin={alreadyAdmin} />
          ) : null
        }
      />

      <ListSection
        id="customer-users-heading"
        title="Users"
        description={<>Who can use {managed.name}. Customer Admins manage them from the account&apos;s own Users page.</>}
        tools={<SearchBox q={memberList.q} label="Search users" keep={{ iq: current.iq, ipage: current.ipage }} />}
      >
        <TableCard
          columns={["Name", "E-mail", "Group", "Joined"]}
          tableClassName="min-w-[36rem] whitespace-nowrap"
          empty={
            members.rows.length === 0 &&
            (memberList.q ? "No user matches your search." : "No users yet. Add yourself, then invite the customer's users from its Users page.")
          }
          footer={
            <Pagination
              label="Users"
              page={memberList.page}
              pageSize={PAGE_SIZE}
              total={members.total}
              hrefFor={(p) => withParams(path, current, { page: p })}
            />
          }
        >
          {members.rows.map((m) => (
            <tr key={m.userId} data-testid="member-row">
              <td className="font-medium">
                {m.name}
                {m.userId === principal.userId ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
              </td>
              <td>{m.email}</td>
              <td>{GROUP_LABELS[m.group]}</td>
              <td>
                <Day at={m.joinedAt} />
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>

      <ListSection
        id="customer-invitations-heading"
        title="Pending Invitations"
        description="Sent, not yet accepted."
        tools={<SearchBox q={invitationList.q} label="Search invitations" param="iq" keep={{ q: current.q, page: current.page }} />}
      >
        <TableCard
          columns={["Full name", "E-mail", "Group", "Invited by", "Sent", "Expires"]}
          tableClassName="min-w-[44rem] whitespace-nowrap"
          empty={invitations.rows.length === 0 && (invitationList.q ? "No pending invitation matches your search." : "No pending invitations.")}
          footer={
            <Pagination
              label="Pending invitations"
              page={invitationList.page}
              pageSize={PAGE_SIZE}
              total={invitations.total}
              hrefFor={(p) => withParams(path, current, { ipage: p })}
            />
          }
        >
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
                  <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900" title={`Expired ${formatUtc(inv.expiresAt)}`}>
                    expired
                  </span>
                ) : (
                  <Day at={inv.expiresAt} />
                )}
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}
