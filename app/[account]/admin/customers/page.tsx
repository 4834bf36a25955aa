import type { Metadata } from "next";
import Link from "next/link";
import { PrevNext, withParams } from "@/app/components/list-controls";
import { ListSection, TableCard, type Column } from "@/app/components/list-section";
import { counted, firstParams, isRefusal, type SearchParams, searchTerm } from "@/lib/core";
import { GroupPicker } from "@/app/components/group-picker";
import { getCustomerGroup } from "@/lib/customer-groups";
import { QUOTA_STATES, SORTS, getCustomersPage, type QuotaState, type SortKey } from "@/lib/partners";
import { getAdminContext } from "../admin-context";
import { getGroupChoices } from "../group-choices";
import { CreateCustomerForm } from "./create-customer-form";
import { CustomerRows } from "./customer-rows";
import { SelectPage, SelectionBar } from "./selection-bar";

export const metadata: Metadata = { title: "Customers · Administration" };

const PARAMS = ["q", "sort", "dir", "after", "before", "group", "parent", "quota"] as const;
const isSortKey = (v: string | undefined): v is SortKey => v !== undefined && Object.hasOwn(SORTS, v);
const isQuotaState = (v: string | undefined): v is QuotaState => v !== undefined && Object.hasOwn(QUOTA_STATES, v);

export default async function CustomersPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<(typeof PARAMS)[number]>>;
}) {
  const { account } = await params;
  const sp = firstParams(await searchParams, PARAMS);
  const { principal, customer: manager, can } = await getAdminContext(account);
  const isPartner = manager.kind === "partner";
  const q = searchTerm(sp.q);
  const sort: SortKey = isSortKey(sp.sort) ? sp.sort : "name";
  const dir = sp.dir === "desc" ? "desc" : "asc";
  const quota = isQuotaState(sp.quota) ? sp.quota : undefined;
  const group = isPartner && sp.group ? sp.group : undefined;
  const parent = sp.parent?.trim().toLowerCase() || undefined;
  const { after, before } = sp;
  const [{ overview, matching, searchMatches, list }, groups, currentGroup] = await Promise.all([
    getCustomersPage(principal, manager.identifier, { q, sort, dir, after, before, group, parent, quota }),
    isPartner ? getGroupChoices(principal, manager.identifier) : null,
    // A group deleted since the link was made shows an empty list under its own heading, not an error page.
    group ? getCustomerGroup(principal, manager.identifier, group).catch((err) => (isRefusal(err) ? null : Promise.reject(err))) : null,
  ]);
  const picked = currentGroup ? [{ id: currentGroup.id, name: currentGroup.name }] : [];
  const manage = can("CREATE_CUSTOMERS");
  const canDelete = can("DELETE_CUSTOMERS");
  // Rows get checkboxes when there is something to do with a selection: group them, or delete them.
  const canNotify = isPartner && can("SEND_NOTICES");
  const canGroup = isPartner && can("MANAGE_CUSTOMER_GROUPS") && (groups?.choices.length ?? 0) > 0;
  const selectable = canGroup || canDelete || canNotify;
  const base = `/${manager.identifier}/admin/customers`;
  // Only non-default values go into links, so the plain first page stays a plain URL.
  const listParams = {
    q: q || undefined,
    sort: sort === "name" ? undefined : sort,
    dir: dir === "asc" ? undefined : dir,
    group,
    parent,
    quota,
  };
  const filtered = Boolean(q || group || parent || quota);
  // A filtered list's cards count what it shows; the totals stay in the caption.
  const shown = matching ?? overview;
  const pageRows = list.rows.map((c) => ({ identifier: c.identifier, name: c.name }));
  // What "all that match" means, in words, for the selection bar (it keeps saying it on other pages and filters).
  const filterLabel =
    [
      q ? `“${q}”` : null,
      currentGroup ? `the group ${currentGroup.name}` : null,
      parent ? `below ${parent}` : null,
      quota ? QUOTA_STATES[quota].toLowerCase() : null,
    ]
      .filter(Boolean)
      .join(", ") || "the whole list";
  const paged = Boolean(after || before);
  const sortHeader = (key: SortKey, label: string = SORTS[key].label): Exclude<Column, string> => {
    const active = sort === key;
    const next = active && dir === "asc" ? "desc" : "asc";
    return {
      label,
      sort: active ? (dir === "asc" ? "ascending" : "descending") : undefined,
      header: (
        <Link
          href={withParams(base, listParams, { sort: key === "name" ? undefined : key, dir: next === "asc" ? undefined : next })}
          className="inline-flex items-center gap-1 hover:underline"
        >
          {label}
          <span aria-hidden className={active ? "text-slate-700" : "text-slate-300"}>
            {active && dir === "desc" ? "▼" : "▲"}
          </span>
        </Link>
      ),
    };
  };

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold break-words">{currentGroup ? currentGroup.name : group ? "A group that no longer exists" : "Customers"}</h1>
        <p className="mt-1 text-sm text-slate-600">
          {currentGroup
            ? currentGroup.description || `A group of ${manager.name}'s customers.`
            : isPartner
              ? `The customer accounts ${manager.name} manages, with their sub-customers: their users, invitations and project quotas.`
              : `The sub-customers of ${manager.name}, all the way down: their users and invitations.`}
        </p>
      </div>

      <section aria-labelledby="overview-caption" className="space-y-2">
        <p id="overview-caption" className="text-sm text-slate-600" data-testid="overview-caption">
          {matching
            ? `These numbers count the ${counted.customers(matching.customers)} the list below shows, of ${overview.customers.toLocaleString("en")} in all.`
            : q
              ? `These numbers count every customer${isPartner ? " you manage" : " below this account"}: the list below is narrowed by a search, which they don't follow.`
              : isPartner
                ? "Every customer you manage, with its sub-customers."
                : "Every sub-customer below this account."}
        </p>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
          <OverviewCard
            label="Customers"
            value={shown.customers}
            hint={matching ? `of ${overview.customers.toLocaleString("en")} in all` : isPartner ? "managed by you" : "below this account"}
            href={base}
          />
          <OverviewCard
            label="Users"
            value={shown.users}
            hint={matching && !matching.users_exact ? "memberships: someone in two counts twice" : matching ? "in the customers shown" : "in these customers"}
          />
          <OverviewCard label="Pending invitations" value={shown.pending_invitations} />
          <OverviewCard
            label="At quota"
            value={shown.at_quota}
            hint="can't create projects"
            tone={shown.at_quota > 0 ? "red" : undefined}
            href={withParams(base, { ...listParams, quota: undefined }, { quota: "at" })}
          />
          <OverviewCard
            label="Near quota"
            value={shown.near_quota}
            hint="80 % or more used"
            tone={shown.near_quota > 0 ? "amber" : undefined}
            href={withParams(base, { ...listParams, quota: undefined }, { quota: "near" })}
          />
        </div>
      </section>

      <ListSection
        id="customers-heading"
        title={parent ? `Below ${parent}` : currentGroup ? "Customers in this group" : isPartner ? "Managed customers" : "Sub-customers"}
        description={
          <>
            {manage
              ? "Enter the new customer's name and identifier and press + to create it. "
              : isPartner
                ? "Only Partner Admins can create customers and change quotas. "
                : "Only Customer Admins can create sub-customers. "}
            Search finds names, identifiers, contact e-mails and members&apos; e-mail addresses; the column headings sort.
          </>
        }
        tools={
          <form role="search" action="" className="flex flex-wrap items-center gap-2" aria-label="Search and filter customers">
            {listParams.sort ? <input type="hidden" name="sort" value={listParams.sort} /> : null}
            {listParams.dir ? <input type="hidden" name="dir" value={listParams.dir} /> : null}
            {parent ? <input type="hidden" name="parent" value={parent} /> : null}
            <label className="sr-only" htmlFor="search-q">
              Search customers
            </label>
            <input id="search-q" name="q" type="search" defaultValue={q} placeholder="Search customers" className="input w-full max-w-xs sm:w-56" />
            {isPartner && groups && groups.choices.length > 0 ? (
              <GroupPicker account={manager.identifier} name="group" groups={groups} selected={picked} label="Group" noneLabel="All groups" />
            ) : null}
            <label htmlFor="filter-quota" className="sr-only">
              Quota
            </label>
            <select id="filter-quota" name="quota" defaultValue={quota ?? ""} className="input w-48">
              <option value="">Any quota use</option>
              {Object.entries(QUOTA_STATES).map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
            <button type="submit" className="btn btn-secondary">
              Apply
            </button>
          </form>
        }
      >
        {parent || filtered ? (
          <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600" data-testid="active-filters">
            {parent ? (
              <span className="rounded-full bg-slate-100 px-2 py-0.5">
                subtree of <span className="font-mono">{parent}</span>
              </span>
            ) : null}
            {currentGroup ? <span className="rounded-full bg-slate-100 px-2 py-0.5">group {currentGroup.name}</span> : null}
            {quota ? <span className="rounded-full bg-slate-100 px-2 py-0.5">{QUOTA_STATES[quota].toLowerCase()}</span> : null}
            {q ? <span className="rounded-full bg-slate-100 px-2 py-0.5">“{q}”</span> : null}
            <Link href={withParams(base, { sort: listParams.sort, dir: listParams.dir }, {})} className="text-blue-700 hover:underline">
              Clear filters
            </Link>
          </p>
        ) : null}
        <TableCard
          columns={[
            selectable
              ? {
                  label: "Select",
                  header: <SelectPage account={manager.identifier} rows={pageRows} label="Select all customers on this page" />,
                  className: "w-8",
                }
              : null,
            {
              label: "Customer",
              header: (
                <span className="inline-flex gap-3">
                  {sortHeader("name").header}
                  {sortHeader("identifier").header}
                </span>
              ),
              sort: sort === "name" || sort === "identifier" ? (dir === "asc" ? "ascending" : "descending") : undefined,
            },
            { label: "Parent", className: "hidden xl:table-cell" },
            isPartner ? { label: "Groups", className: "hidden xl:table-cell" } : null,
            { ...sortHeader("users"), className: "hidden sm:table-cell" },
            { ...sortHeader("invitations", "Pending"), className: "hidden xl:table-cell" },
            { ...sortHeader("projects"), className: "hidden sm:table-cell" },
            { ...sortHeader("created"), className: "hidden xl:table-cell" },
            { label: "Actions", hidden: true, className: "text-right" },
          ]}
          tableClassName="[&_td]:px-2 [&_th]:px-2"
          top={
            <>
              {manage ? <CreateCustomerForm account={manager.identifier} groups={groups ?? undefined} picked={picked} /> : null}
              {selectable ? (
                <SelectionBar
                  account={manager.identifier}
                  groups={canGroup ? groups : null}
                  picked={picked}
                  canDelete={canDelete}
                  canNotify={canNotify}
                  filter={{ q: q || undefined, group, parent, quota }}
                  filterLabel={filterLabel}
                  matching={searchMatches ? searchMatches.count : shown.customers}
                  matchingMore={searchMatches?.more ?? false}
                  pageRows={pageRows}
                />
              ) : null}
            </>
          }
          empty={
            list.rows.length === 0 && (
              <EmptyState
                q={q}
                isPartner={isPartner}
                filtered={filtered}
                paged={paged}
                manage={manage}
                firstPage={withParams(base, listParams, {})}
                clearFilters={withParams(base, { sort: listParams.sort, dir: listParams.dir }, {})}
              />
            )
          }
          footer={
            <PrevNext
              label="Customers"
              prev={list.prev ? withParams(base, listParams, { before: list.prev }) : null}
              next={list.next ? withParams(base, listParams, { after: list.next }) : null}
            />
          }
        >
          <CustomerRows
            rows={list.rows.map((c) => ({
              id: c.id,
              identifier: c.identifier,
              name: c.name,
              selfManaged: c.self_managed,
              children: c.children,
              depth: c.depth,
              parentIdentifier: c.parent_identifier,
              parentName: c.parent_name,
              groupNames: c.group_names,
              groupCount: c.group_count,
              users: c.users,
              pendingInvitations: c.pending_invitations,
              projects: c.projects,
              projectQuota: c.project_quota,
              createdAt: c.created_at,
            }))}
            manager={{ identifier: manager.identifier, name: manager.name }}
            isPartner={isPartner}
            selectable={selectable}
            canNotify={canNotify}
            canDelete={canDelete}
          />
        </TableCard>
      </ListSection>
    </div>
  );
}

function OverviewCard({ label, value, hint, tone, href }: { label: string; value: number; hint?: string; tone?: "red" | "amber"; href?: string }) {
  const color = tone === "red" ? "text-red-700" : tone === "amber" ? "text-amber-700" : "text-slate-900";
  const body = (
    <>
      <div className="text-sm font-medium text-slate-600">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`} data-testid="overview-value">
        {value.toLocaleString("en")}
      </div>
      {hint ? <div className="text-xs text-slate-500">{hint}</div> : null}
    </>
  );
  return href ? (
    <Link href={href} className="card block p-4 hover:border-blue-300" data-testid="overview-card">
      {body}
    </Link>
  ) : (
    <div className="card p-4" data-testid="overview-card">
      {body}
    </div>
  );
}

function EmptyState({
  q,
  isPartner,
  filtered,
  paged,
  manage,
  firstPage,
  clearFilters,
}: {
  q: string;
  isPartner: boolean;
  filtered: boolean;
  paged: boolean;
  manage: boolean;
  firstPage: string;
  clearFilters: string;
}) {
  if (paged)
    return (
      <>
        No more customers here.{" "}
        <Link href={firstPage} className="text-blue-700 hover:underline">
          Back to the first page
        </Link>
      </>
    );
  if (filtered)
    return (
      <>
        {q ? `No customer's name, identifier or e-mail contains “${q}” here.` : "No customer matches these filters."}{" "}
        <Link href={clearFilters} className="text-blue-700 hover:underline">
          {q ? "Clear the search" : "Clear the filters"}
        </Link>
      </>
    );
  return (
    <>
      <span className="block font-medium text-slate-700">{isPartner ? "No managed customers yet." : "No sub-customers yet."}</span>
      {manage ? "Enter a name and an identifier above and press + to create the first one." : "An admin of your account can create them."}
    </>
  );
}
