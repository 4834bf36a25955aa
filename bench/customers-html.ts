// The Customers page done the bare way: a plain Node handler that reads the session cookie (the same JWE next-auth
// issues, decrypted with jose under a key derived once), looks the user up, runs the page's statements bare and writes
// the same numbers and rows as HTML with template strings, gzipped when the client accepts it, as the page is. It is
// the yardstick for "the page's server time" that does the same work without React and Next.js.
import { createHash, hkdfSync } from "node:crypto";
import http from "node:http";
import { gzipSync } from "node:zlib";
import { jwtDecrypt } from "jose";
import type { Sql } from "postgres";
import {
  bareAuthorize,
  bareCustomerPage,
  bareMatchingOverview,
  bareOverview,
  isFiltered,
  type BareCustomerRow,
  type BareOverview,
  type BarePageOptions,
} from "./customers-sql";
import { listen } from "./web";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => ESCAPES[c]);

type Row = BareCustomerRow & { created_at: Date; project_quota: number; self_managed: boolean; parent_name: string | null };

export function renderCustomersHtml(page: {
  partner: string;
  partnerName: string;
  userName: string;
  overview: BareOverview;
  rows: Row[];
  more: boolean;
}): string {
  const base = `/${esc(page.partner)}/admin/customers`;
  const card = (label: string, value: number) =>
    `<div class="card"><div>${label}</div><div data-testid="overview-value">${value.toLocaleString("en")}</div></div>`;
  const row = (c: Row) => {
    const name = esc(c.name);
    const id = esc(c.identifier);
    const groups =
      c.group_names.length === 0
        ? `<span>All only</span>`
        : c.group_names.map((g) => `<span>${esc(g)}</span>`).join("") +
          (c.group_count > c.group_names.length ? `<span>+${c.group_count - c.group_names.length}</span>` : "");
    const pct = c.project_quota > 0 ? Math.min(100, Math.round((100 * c.projects) / c.project_quota)) : 100;
    return `<tr><td><input type="checkbox" name="customers" value="${id}" aria-label="Select ${name}"></td>
<td><a href="${base}/${id}" title="${name}">${name}</a>${c.self_managed ? "<span>self-managed</span>" : ""}${
      c.children > 0 ? `<a href="${base}?parent=${id}">${c.children} sub-customer${c.children === 1 ? "" : "s"} ›</a>` : ""
    }</td>
<td>${id}</td><td>${c.depth > 1 && c.parent_identifier ? `<a href="${base}/${esc(c.parent_identifier)}">${esc(c.parent_name)}</a>` : "—"}</td>
<td>${groups}</td><td>${c.users}</td><td>${c.pending_invitations}</td>
<td><span>${c.projects} / ${c.project_quota}</span><span role="meter" aria-valuenow="${c.projects}" aria-valuemax="${c.project_quota}" aria-label="Projects of ${name} used of quota" style="width:${pct}%"></span></td>
<td><time datetime="${c.created_at.toISOString()}">${c.created_at.toISOString().slice(0, 10)}</time></td>
<td><a href="${base}/${id}/users" aria-label="Users of ${name}"><svg><use href="#i-users"/></svg></a><a href="${base}/${id}/quota" aria-label="Quota of ${name}"><svg><use href="#i-gauge"/></svg></a><a href="${base}/${id}" aria-label="Details of ${name}"><svg><use href="#i-info"/></svg></a><a href="/${esc(page.partner)}/admin/notices/new?customer=${id}" aria-label="Send a notice to ${name}"><svg><use href="#i-envelope"/></svg></a><a href="/${esc(page.partner)}/admin/deletions/new?customers=${id}" aria-label="Delete ${name}"><svg><use href="#i-trash"/></svg></a></td></tr>`;
  };
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Customers · Administration</title></head><body>
<header><a href="/${esc(page.partner)}">${esc(page.partnerName)}</a><span>${esc(page.userName)}</span></header>
<main><h1>Customers</h1><section aria-label="Overview">${card("Customers", page.overview.customers)}${card("Users", page.overview.users)}${card(
    "Pending invitations",
    page.overview.pending_invitations,
  )}${card("At quota", page.overview.at_quota)}${card("Near quota", page.overview.near_quota)}</section>
<table><thead><tr><th>Select</th><th>Name</th><th>Identifier</th><th>Parent</th><th>Groups</th><th>Users</th><th>Pending</th><th>Projects</th><th>Created</th><th>Actions</th></tr></thead>
<tbody>${page.rows.map(row).join("\n")}</tbody></table>${page.more ? `<a href="${base}?after=next">Next</a>` : ""}</main></body></html>`;
}

/** The key next-auth derives from its secret, derived once. */
function sessionKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return undefined;
}

/** Serves `scenarios[i]` at `/customers?scenario=i` the bare way (see the module comment). */
export async function startBareHtmlRoute(
  sql: Sql,
  partner: { identifier: string; name: string },
  scenarios: BarePageOptions[],
  secret: string,
): Promise<{ url: (i: number) => string; stop: () => Promise<void> }> {
  const key = sessionKey(secret);
  const answer = async (req: http.IncomingMessage) => {
    const token = cookieValue(req.headers.cookie, "next-auth.session-token");
    const claims = token ? (await jwtDecrypt(token, key, { clockTolerance: 15 }).catch(() => null))?.payload : null;
    if (!claims?.sub) return null;
    if (typeof claims.sid !== "string") return null;
    // The page's session read (lib/web/session.ts): the user, if the session record is theirs and has not ended.
    const sessionId = createHash("sha256").update(claims.sid).digest("hex");
    const [user] = await sql<{ id: string; name: string }[]>`
      with seen as (
        update sessions set last_seen_at = now()
        where id = ${sessionId} and ended_at is null and last_seen_at < now() - interval '1 minute' returning id)
      select u.id, u.name from sessions s join users u on u.id = s.user_id
      where s.id = ${sessionId} and s.user_id = ${claims.sub} and s.ended_at is null`;
    if (!user) return null;
    const opts = scenarios[Number(new URL(req.url ?? "/", "http://x").searchParams.get("scenario"))];
    const partnerId = await bareAuthorize(sql, user.id, partner.identifier);
    const [overview, matching, rows] = await Promise.all([
      bareOverview(sql, partnerId),
      isFiltered(opts) ? bareMatchingOverview(sql, partnerId, opts) : null,
      bareCustomerPage(sql, partnerId, 0, opts),
    ]);
    return renderCustomersHtml({
      partner: partner.identifier,
      partnerName: partner.name,
      userName: user.name,
      // The cards count what the filter matches, as the page's do.
      overview: matching ?? overview,
      rows: rows.slice(0, 25) as Row[],
      more: rows.length > 25,
    });
  };
  const server = http.createServer((req, res) => {
    answer(req).then(
      (html) => {
        if (html === null) {
          res.writeHead(302, { location: "/sign-in" });
          res.end();
          return;
        }
        const gzip = /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""));
        res.writeHead(200, { "content-type": "text/html; charset=utf-8", ...(gzip ? { "content-encoding": "gzip" } : {}) });
        res.end(gzip ? gzipSync(html) : html);
      },
      (err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      },
    );
  });
  const port = await listen(server);
  return { url: (i) => `http://127.0.0.1:${port}/customers?scenario=${i}`, stop: () => new Promise((r) => server.close(() => r())) };
}
