// An account's home page: what is there, what happened lately, and what to do next. A customer account shows its
// projects against the quota, its people, recent activity and, while it is new, its first steps; a partner account
// adds its customers' numbers and what needs attention. Open notices come first on every page (the layout's panel).
import Link from "next/link";
import { ActivityTable } from "@/app/components/activity-table";
import { QuotaBar } from "@/app/components/quota-bar";
import { listAuditEvents } from "@/lib/audit";
import { GROUP_LABELS } from "@/lib/authz";
import { listCustomerDeletions } from "@/lib/deletions";
import { countUndeliveredInvitations, getPartnerOverview } from "@/lib/partners";
import { getQuotaUsage, listProjects } from "@/lib/projects";
import { getAccountContext } from "@/lib/web";
import { counted } from "@/lib/core";

const SHOWN_PROJECTS = 5;

function Stat({ label, value, href, note }: { label: string; value: number; href?: string; note?: string }) {
  const body = (
    <>
      <span className="block text-sm text-slate-600">{label}</span>
      <span className="block text-2xl font-semibold tabular-nums" data-testid="home-stat">
        {value.toLocaleString("en")}
      </span>
      {note ? <span className="block text-xs text-slate-500">{note}</span> : null}
    </>
  );
  return href ? (
    <Link href={href} className="card block p-4 hover:border-blue-300">
      {body}
    </Link>
  ) : (
    <div className="card p-4">{body}</div>
  );
}

export default async function AccountHome({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const { principal, customer, membership, can } = await getAccountContext(account);
  const base = `/${customer.identifier}`;
  const partner = customer.kind === "partner" && can("VIEW_ADMINISTRATION");
  const [projects, usage, activity, overview, deletions, undelivered] = await Promise.all([
    listProjects(principal, customer.identifier, { q: "", limit: SHOWN_PROJECTS }),
    can("VIEW_QUOTA") ? getQuotaUsage(principal, customer.identifier) : null,
    can("VIEW_ACTIVITY") ? listAuditEvents(principal, customer.identifier, { limit: 5 }) : null,
    partner ? getPartnerOverview(principal, customer.identifier) : null,
    partner ? listCustomerDeletions(principal, customer.identifier, { limit: 20 }) : null,
    partner ? countUndeliveredInvitations(principal, customer.identifier) : 0,
  ]);
  const running = deletions?.rows.filter((d) => d.status === "pending" || d.status === "running") ?? [];

  // First steps, for those who can take them; the list goes once every step is done.
  const steps = [
    can("MANAGE_USERS") && {
      done: customer.membersCount > 1 || customer.pendingInvitationsCount > 0,
      label: "Invite someone",
      href: `${base}/users`,
    },
    can("CREATE_PROJECTS") && { done: customer.projectsCount > 0, label: "Create a project", href: `${base}/projects` },
    can("EDIT_SETTINGS") && {
      done: Boolean(customer.billing?.taxId && customer.billing.billingStreet && customer.billing.billingCity && customer.billing.billingCountry),
      label: "Complete the billing details",
      href: `${base}/settings`,
    },
  ].filter((s): s is { done: boolean; label: string; href: string } => Boolean(s));
  const open = steps.some((s) => !s.done);

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold">{customer.name}</h1>
        <p className="text-sm text-slate-600">
          Identifier <span className="font-mono">{customer.identifier}</span> {membership ? <> · you are {GROUP_LABELS[membership.group]}</> : null}
        </p>
      </div>

      {open ? (
        <section aria-labelledby="first-steps-heading" className="card border-blue-200 p-4" data-testid="first-steps">
          <h2 id="first-steps-heading" className="text-lg font-semibold">
            First steps
          </h2>
          <ol className="mt-2 space-y-1">
            {steps.map((s) => (
              <li key={s.label} className="flex items-center gap-2 text-sm">
                <span aria-hidden className={s.done ? "text-green-700" : "text-slate-400"}>
                  {s.done ? "✓" : "○"}
                </span>
                {s.done ? (
                  <span className="text-slate-500 line-through">
                    {s.label}
                    <span className="sr-only"> (done)</span>
                  </span>
                ) : (
                  <Link href={s.href} className="font-medium text-blue-800 hover:underline">
                    {s.label}
                  </Link>
                )}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      {overview ? (
        <section aria-labelledby="customers-heading" className="space-y-3">
          <h2 id="customers-heading" className="text-lg font-semibold">
            Your customers
          </h2>
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
            <Stat label="Customers" value={overview.customers} href={`${base}/admin/customers`} />
            <Stat label="Their users" value={overview.users} />
            <Stat label="Pending invitations" value={overview.pending_invitations} />
            <Stat label="At quota" value={overview.at_quota} href={`${base}/admin/customers?quota=at`} note="can't create projects" />
          </div>
          {overview.at_quota > 0 || overview.near_quota > 0 || undelivered > 0 || running.length > 0 ? (
            <div className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-950" data-testid="needs-attention">
              <p className="font-medium">Needs attention</p>
              <ul className="mt-1 list-disc space-y-1 pl-5">
                {overview.at_quota > 0 ? (
                  <li>
                    <Link href={`${base}/admin/customers?quota=at`} className="underline">
                      {counted.customersAre(overview.at_quota)} at quota
                    </Link>
                  </li>
                ) : null}
                {overview.near_quota > 0 ? (
                  <li>
                    <Link href={`${base}/admin/customers?quota=near`} className="underline">
                      {counted.customersAre(overview.near_quota)} near quota
                    </Link>
                  </li>
                ) : null}
                {undelivered > 0 ? (
                  <li>
                    {undelivered === 1
                      ? "1 invitation to a customer could not be delivered"
                      : `${undelivered.toLocaleString("en")} invitations to customers could not be delivered`}{" "}
                    (each customer&apos;s Users tab shows which, with the provider&apos;s answer, and resends it)
                  </li>
                ) : null}
                {running.map((d) => (
                  <li key={d.id}>
                    <Link href={`${base}/admin/deletions/${d.id}`} className="underline">
                      Deleting {d.label}: {d.status === "pending" ? "can still be undone" : "under way"}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="projects-heading" className="space-y-3">
        <div className="flex flex-wrap items-end justify-between gap-3">
          <h2 id="projects-heading" className="text-lg font-semibold">
            Projects
          </h2>
          {usage ? <QuotaBar used={usage.used} quota={usage.quota} /> : null}
        </div>
        {projects.rows.length === 0 ? (
          <p className="text-sm text-slate-600">
            {projects.seesAll ? "No projects yet." : "No project has been shared with you yet."}{" "}
            {can("CREATE_PROJECTS") ? (
              <Link href={`${base}/projects`} className="text-blue-800 hover:underline">
                Create the first one
              </Link>
            ) : null}
          </p>
        ) : (
          <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
            {projects.rows.map((p) => (
              <li key={p.id}>
                <Link href={`${base}/projects/${p.identifier}`} className="card block p-4 hover:border-blue-300">
                  <span className="block font-medium break-words">{p.name}</span>
                  <span className="font-mono text-xs text-slate-500">{p.identifier}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
        {projects.total > SHOWN_PROJECTS ? (
          <Link href={`${base}/projects`} className="text-sm text-blue-800 hover:underline">
            All {counted.projects(projects.total)}
          </Link>
        ) : null}
      </section>

      <section aria-labelledby="people-heading" className="space-y-3">
        <h2 id="people-heading" className="text-lg font-semibold">
          People
        </h2>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Stat label="Members" value={customer.membersCount} href={`${base}/users`} />
          {can("VIEW_INVITATIONS") ? <Stat label="Pending invitations" value={customer.pendingInvitationsCount} href={`${base}/users`} /> : null}
        </div>
      </section>

      {activity ? (
        <section aria-labelledby="activity-heading" className="space-y-3">
          <div className="flex items-baseline justify-between gap-3">
            <h2 id="activity-heading" className="text-lg font-semibold">
              Recent activity
            </h2>
            <Link href={`${base}/activity`} className="text-sm text-blue-800 hover:underline">
              All activity
            </Link>
          </div>
          <ActivityTable events={activity.events} path={`${base}/activity`} nextBefore={null} />
        </section>
      ) : null}
    </div>
  );
}
