import type { Metadata } from "next";
import { Day } from "@/app/components/day";
import { KeysetPager } from "@/app/components/keyset-pager";
import { SearchBox } from "@/app/components/list-controls";
import { LiveRefresh } from "@/app/components/live-refresh";
import { ACTIONS_COLUMN, ListSection, TableCard } from "@/app/components/list-section";
import { getAccountContext } from "@/lib/web";
import { GROUP_DESCRIPTIONS, GROUP_LABELS, groupsFor, isAdminGroup } from "@/lib/authz";
import { listInvitations } from "@/lib/invitations";
import { listMembers } from "@/lib/members";
import { firstParams, searchTerm, type SearchParams } from "@/lib/core";
import { InvitationRow } from "./invitation-row";
import { InviteForm } from "./invite-form";
import { LeaveAccountForm } from "./leave-form";
import { MemberRow } from "./member-row";
import { ListFeedback } from "./row-feedback";

export const metadata: Metadata = { title: "Users" };

// Each list has its search and its cursors: paging one keeps where the other is.
const PARAMS = ["q", "after", "before", "iq", "iafter", "ibefore"] as const;

export default async function UsersPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<(typeof PARAMS)[number]>>;
}) {
  const { account } = await params;
  const current = firstParams(await searchParams, PARAMS);
  const { principal, customer, can, membership } = await getAccountContext(account);
  const manage = can("MANAGE_USERS");
  const memberList = { q: searchTerm(current.q), after: current.after, before: current.before };
  const invitationList = { q: searchTerm(current.iq), after: current.iafter, before: current.ibefore };
  const memberAt = { q: current.q, after: current.after, before: current.before };
  const invitationAt = { iq: current.iq, iafter: current.iafter, ibefore: current.ibefore };
  const [members, invitations] = await Promise.all([
    listMembers(principal, customer.identifier, memberList),
    manage ? listInvitations(principal, customer.identifier, invitationList) : null,
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
        <ListSection
          id="invitations-heading"
          title="Pending Invitations"
          description="Enter a full name and e-mail address and press + to send an invitation e-mail."
          tools={<SearchBox q={invitationList.q} label="Search invitations" param="iq" keep={memberAt} />}
        >
          <LiveRefresh active={invitations.rows.some((inv) => inv.deliveryStatus === "queued")} />
          <ListFeedback>
            <TableCard
              columns={["Full name", "E-mail", "Group", "Invited by", "Sent", "Expires", "Delivery", ACTIONS_COLUMN]}
              tableClassName="whitespace-nowrap"
              top={
                <InviteForm account={customer.identifier} groups={groups} defaultGroup={groups.find((g) => !isAdminGroup(g.value))?.value ?? groups[0].value} />
              }
              empty={invitations.rows.length === 0 && (invitationList.q ? "No pending invitation matches your search." : "No pending invitations.")}
              footer={<KeysetPager label="Pending invitations" page={invitations} total={invitations.total} base={path} current={memberAt} prefix="i" />}
            >
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
                    sentAt: <Day at={inv.sentAt} />,
                    expiresAt: <Day at={inv.expiresAt} />,
                    expired: inv.expiresAt.getTime() < now,
                    deliveryStatus: inv.deliveryStatus,
                    deliveryError: inv.deliveryError,
                  }}
                />
              ))}
            </TableCard>
          </ListFeedback>
        </ListSection>
      ) : null}

      <ListSection
        id="users-heading"
        title="Users"
        description={
          manage
            ? "Change a group with the select and save it with the disc. Removing someone also removes them from every project."
            : "Only Customer Admins can invite people, change groups and remove members."
        }
        tools={<SearchBox q={memberList.q} label="Search users" keep={invitationAt} />}
      >
        <dl
          className="grid gap-x-3 gap-y-1 text-sm text-slate-600 sm:grid-cols-[max-content_1fr]"
          aria-label="What each group may do"
          data-testid="group-descriptions"
        >
          {groupsFor(customer.kind).map((g) => (
            <div key={g} className="contents">
              <dt className="font-medium text-slate-800">{GROUP_LABELS[g]}</dt>
              <dd>{GROUP_DESCRIPTIONS[g]}</dd>
            </div>
          ))}
        </dl>
        <ListFeedback>
          <TableCard
            columns={["Name", "E-mail", "Group", "Joined", manage && ACTIONS_COLUMN]}
            tableClassName="whitespace-nowrap"
            empty={members.rows.length === 0 && "No user matches your search."}
            footer={<KeysetPager label="Users" page={members} total={members.total} base={path} current={{ q: current.q, ...invitationAt }} />}
          >
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
                  joined: <Day at={m.joinedAt} />,
                  isYou: m.userId === principal.userId,
                  emailVerified: m.emailVerifiedAt !== null,
                }}
              />
            ))}
          </TableCard>
        </ListFeedback>
      </ListSection>

      {membership && !(isAdminGroup(membership.group) && members.admins <= 1) ? (
        <section aria-labelledby="leave-heading" className="space-y-2 border-t border-slate-200 pt-6">
          <h2 id="leave-heading" className="text-lg font-semibold">
            Leave this account
          </h2>
          <p className="text-sm text-slate-600">You stop being a member of {customer.name}; your other accounts are not affected.</p>
          <LeaveAccountForm account={customer.identifier} accountName={customer.name} />
        </section>
      ) : membership ? (
        <p className="border-t border-slate-200 pt-6 text-sm text-slate-600">
          You are the last {GROUP_LABELS[membership.group]} of {customer.name}: make someone else {GROUP_LABELS[membership.group]} before you can leave.
        </p>
      ) : null}
    </div>
  );
}
