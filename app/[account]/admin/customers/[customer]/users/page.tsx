import type { Metadata } from "next";
import { Day } from "@/app/components/day";
import { KeysetPager } from "@/app/components/keyset-pager";
import { SearchBox } from "@/app/components/list-controls";
import { LiveRefresh } from "@/app/components/live-refresh";
import { ACTIONS_COLUMN, ListSection, TableCard } from "@/app/components/list-section";
import { InvitationRow } from "@/app/[account]/users/invitation-row";
import { InviteForm } from "@/app/[account]/users/invite-form";
import { ListFeedback } from "@/app/[account]/users/row-feedback";
import { GROUP_DESCRIPTIONS, GROUP_LABELS, groupsFor, isAdminGroup } from "@/lib/authz";
import { listInvitations } from "@/lib/invitations";
import { listMembers } from "@/lib/members";
import { firstParams, searchTerm, type SearchParams } from "@/lib/core";
import { orNotFound } from "@/lib/web";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";
import { AddMyself } from "./add-myself";
import { CustomerUserRow } from "./customer-user-row";

export const metadata: Metadata = { title: "Customer Users · Administration" };

// Each list has its search and its cursors: paging one keeps where the other is.
const PARAMS = ["q", "after", "before", "iq", "iafter", "ibefore"] as const;

export default async function CustomerUsersPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; customer: string }>;
  searchParams: Promise<SearchParams<(typeof PARAMS)[number]>>;
}) {
  const { account, customer: customerParam } = await params;
  const current = firstParams(await searchParams, PARAMS);
  const { principal, customer: partner, managed, alreadyAdmin, canManage } = await getManagedCustomerContext(account, customerParam);
  const manage = canManage("MANAGE_USERS");
  const memberList = { q: searchTerm(current.q), after: current.after, before: current.before };
  const invitationList = { q: searchTerm(current.iq), after: current.iafter, before: current.ibefore };
  const memberAt = { q: current.q, after: current.after, before: current.before };
  const invitationAt = { iq: current.iq, iafter: current.iafter, ibefore: current.ibefore };
  const [members, invitations] = await Promise.all([
    orNotFound(listMembers(principal, managed.identifier, memberList)),
    orNotFound(listInvitations(principal, managed.identifier, invitationList)),
  ]);
  const path = `/${partner.identifier}/admin/customers/${managed.identifier}/users`;
  const groups = groupsFor(managed.kind).map((g) => ({ value: g, label: GROUP_LABELS[g] }));
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
        id="customer-invitations-heading"
        title="Pending Invitations"
        description={
          manage ? (
            <>Invite {managed.name}&apos;s users here, without joining it yourself: enter a full name and e-mail address and press +.</>
          ) : (
            "Sent, not yet accepted."
          )
        }
        tools={<SearchBox q={invitationList.q} label="Search invitations" param="iq" keep={memberAt} />}
      >
        <LiveRefresh active={manage && invitations.rows.some((inv) => inv.deliveryStatus === "queued")} />
        <ListFeedback>
          <TableCard
            columns={["Full name", "E-mail", "Group", "Invited by", "Sent", "Expires", manage && "Delivery", manage && ACTIONS_COLUMN]}
            tableClassName="min-w-[44rem] whitespace-nowrap"
            top={
              manage ? (
                <InviteForm account={managed.identifier} groups={groups} defaultGroup={groups.find((g) => isAdminGroup(g.value))?.value ?? groups[0].value} />
              ) : null
            }
            empty={invitations.rows.length === 0 && (invitationList.q ? "No pending invitation matches your search." : "No pending invitations.")}
            footer={<KeysetPager label="Pending invitations" page={invitations} total={invitations.total} base={path} current={memberAt} prefix="i" />}
          >
            {invitations.rows.map((inv) =>
              manage ? (
                <InvitationRow
                  key={inv.id}
                  account={managed.identifier}
                  invitation={{
                    id: inv.id,
                    fullName: inv.fullName,
                    email: inv.email,
                    groupLabel: GROUP_LABELS[inv.group],
                    invitedBy: inv.invitedByName ?? "—",
                    sentAt: <Day at={inv.sentAt} />,
                    expiresAt: <Day at={inv.expiresAt} />,
                    expired: inv.expiresAt.getTime() < now,
                    deliveryStatus: inv.deliveryStatus,
                    deliveryError: inv.deliveryError,
                  }}
                />
              ) : (
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
                      <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">expired</span>
                    ) : (
                      <Day at={inv.expiresAt} />
                    )}
                  </td>
                </tr>
              ),
            )}
          </TableCard>
        </ListFeedback>
      </ListSection>

      <ListSection
        id="customer-users-heading"
        title="Users"
        description={
          manage ? (
            <>Who can use {managed.name}. Change a name or a group (or both), then save the row with its disc: the message under the row says what changed.</>
          ) : (
            <>Who can use {managed.name}. Only Partner Admins can invite them and change their names and groups.</>
          )
        }
        tools={<SearchBox q={memberList.q} label="Search users" keep={invitationAt} />}
      >
        <dl className="grid gap-x-3 gap-y-1 text-sm text-slate-600 sm:grid-cols-[max-content_1fr]" aria-label="What each group may do">
          {groups.map((g) => (
            <div key={g.value} className="contents">
              <dt className="font-medium text-slate-800">{g.label}</dt>
              <dd>{GROUP_DESCRIPTIONS[g.value]}</dd>
            </div>
          ))}
        </dl>
        <ListFeedback>
          <TableCard
            columns={["Name", "E-mail", "Group", "Joined", manage ? { label: "Actions", className: "text-right" } : null]}
            tableClassName="min-w-[40rem] whitespace-nowrap"
            empty={
              members.rows.length === 0 &&
              (memberList.q ? "No user matches your search." : manage ? "No users yet. Invite the first ones above." : "No users yet.")
            }
            footer={<KeysetPager label="Users" page={members} total={members.total} base={path} current={{ q: current.q, ...invitationAt }} />}
          >
            {members.rows.map((m) => (
              <CustomerUserRow
                key={m.userId}
                manage={manage}
                account={partner.identifier}
                customer={managed.identifier}
                groups={groups}
                member={{
                  userId: m.userId,
                  name: m.name,
                  email: m.email,
                  group: m.group,
                  groupLabel: GROUP_LABELS[m.group],
                  joined: <Day at={m.joinedAt} />,
                  isYou: m.userId === principal.userId,
                }}
              />
            ))}
          </TableCard>
        </ListFeedback>
      </ListSection>
    </div>
  );
}
