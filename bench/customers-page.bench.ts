// Administration > Customers over HTTP at 100,000 managed customers (1,000 groups, a hierarchy five deep), ten clients at
// once: the production build served by `next start`, signed in as a Partner Admin through the sign-in endpoint, beside a
// bare Node route in this process that runs the same statements (a membership check, the overview, the list) and answers
// JSON, and a bare Node route that does the page's work without React and Next.js (reads the session cookie, looks the
// user up, runs the same statements, writes the same numbers and rows as HTML, gzipped: bench/customers-html.ts). Also
// the page's data alone (getCustomersPage in-process) beside the same statements run bare, and Next.js's own floor: a
// route handler that does nothing and the sign-in page, which reads nothing, beside the bare JSON route.
//
// Build: `.next` is reused when it is newer than every build input (scripts/build-freshness.ts, the launcher's rule);
// otherwise this runs `next build` first, which takes minutes on two cores. BENCH_REBUILD=1 forces a build.
import http from "node:http";
import type { Sql } from "postgres";
import { rawSql } from "@/db/client";
import { userPrincipal } from "@/lib/authz";
import { getCustomersPage, type CustomerListOptions } from "@/lib/partners";
import { startBareHtmlRoute } from "./customers-html";
import { bareAuthorize, bareCustomerPage, bareMatchingOverview, bareOverview, isFiltered, openBarePool, sameRows, type BarePageOptions } from "./customers-sql";
import { latencies, type Benchmark, type BenchRow, type Latencies } from "./harness";
import { ensureBuild, get, listen, signIn, startWeb } from "./web";
import { ADMIN_PASSWORD, COMMON_TERM, CUSTOMERS, describeSeed, seedCustomers, type SeededCustomers } from "./seed-customers";

const CLIENTS = 10;
/** Requests per measurement, unless its time budget runs out first (then at least MIN_REQUESTS). */
const REQUESTS = Number(process.env.BENCH_REQUESTS || 100);
const MIN_REQUESTS = 30;
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS || 30_000);
/** Calls before each measurement that are not counted: a server that has run for a while has compiled its hot paths. */
const WARMUP = Number(process.env.BENCH_WARMUP || 100);
const DEEP_ROW = 90_000;

type Scenario = { name: string; url: Record<string, string>; ours: CustomerListOptions; bare: BarePageOptions };

const log = (msg: string) => console.error(`  customers page: ${msg}`);

function scenarios(s: SeededCustomers, deep: { v: string; id: string }): Scenario[] {
  const deepCursor = Buffer.from(JSON.stringify(deep)).toString("base64url");
  return [
    { name: "first page", url: {}, ours: {}, bare: {} },
    { name: `page at row ${DEEP_ROW.toLocaleString("en")}`, url: { after: deepCursor }, ours: { after: deepCursor }, bare: { after: deep } },
    { name: `search "${COMMON_TERM}"`, url: { q: COMMON_TERM }, ours: { q: COMMON_TERM }, bare: { q: COMMON_TERM } },
    { name: `group (${s.group.customers} customers)`, url: { group: s.group.id }, ours: { group: s.group.id }, bare: { group: s.group.id } },
    {
      name: `subtree (${s.subtreeRoot.descendants} customers)`,
      url: { parent: s.subtreeRoot.identifier },
      ours: { parent: s.subtreeRoot.identifier },
      bare: { parent: s.subtreeRoot.identifier },
    },
    {
      name: "sorted by projects, desc",
      url: { sort: "projects", dir: "desc" },
      ours: { sort: "projects", dir: "desc" },
      bare: { sort: "projects", dir: "desc" },
    },
  ];
}

/** The page's statements bare: the membership check, then the overview and the list at once. */
async function bareData(sql: Sql, s: SeededCustomers, sc: Scenario) {
  const partnerId = await bareAuthorize(sql, s.admin.id, s.partnerIdentifier);
  return Promise.all([
    bareOverview(sql, partnerId),
    isFiltered(sc.bare) ? bareMatchingOverview(sql, partnerId, sc.bare) : null,
    bareCustomerPage(sql, partnerId, 0, sc.bare),
  ]);
}

/** The bare route: the same statements as the page's data, answered as JSON by a plain Node server. */
async function startBareRoute(sql: Sql, s: SeededCustomers, all: Scenario[]): Promise<{ url: (i: number) => string; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const i = Number(new URL(req.url ?? "/", "http://x").searchParams.get("scenario"));
    bareData(sql, s, all[i]).then(
      ([overview, matching, rows]) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ overview, matching, rows: rows.slice(0, 25), more: rows.length > 25 }));
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

/** Whether the page's HTML shows these identifiers in this order, and these overview numbers. */
function pageShows(html: string, identifiers: string[], overview: Record<string, number>): string | null {
  let at = 0;
  for (const identifier of identifiers) {
    const found = html.indexOf(`>${identifier}<`, at);
    if (found < 0) return `the page does not show ${identifier} where the bare query has it`;
    at = found;
  }
  const values = [...html.matchAll(/data-testid="overview-value"[^>]*>([\d,]+)</g)].map((m) => Number(m[1].replace(/,/g, "")));
  const expected = [overview.customers, overview.users, overview.pending_invitations, overview.at_quota, overview.near_quota];
  if (values.length > 0 && expected.some((v) => !values.includes(v)))
    return `the page's overview shows ${values.join(", ")}, partner_stats has ${expected.join(", ")}`;
  return null;
}

const fmt = (l: Latencies) => `${l.p50.toFixed(1)}/${l.p95.toFixed(1)} ms`;

const bench: Benchmark = {
  name: "customers page",
  async run() {
    const buildNote = ensureBuild(log);
    const s = await seedCustomers();
    log(describeSeed(s));
    const [deep] = await rawSql()<{ v: string; id: string }[]>`
      select lower(name) as v, id from customers where partner_id = ${s.partnerId} and deleting_at is null order by lower(name), id offset ${DEEP_ROW} limit 1`;
    const all = scenarios(s, { v: deep.v, id: deep.id });
    const principal = userPrincipal({ ...s.admin, isOperator: false });

    // The page's data as the page asks for it, and the same statements bare; both must give the same rows.
    const ourData = async (sc: Scenario) => {
      const { overview, matching, list } = await getCustomersPage(principal, s.partnerIdentifier, sc.ours);
      return [overview, matching, list] as const;
    };
    const sql = openBarePool();
    const expected: { identifiers: string[]; overview: Record<string, number> }[] = [];
    for (const sc of all) {
      const [[overview, matching, page], [bareOv, bareMatching, bareRows]] = await Promise.all([ourData(sc), bareData(sql, s, sc)]);
      if (page.rows.length === 0 || !sameRows(page.rows, bareRows.slice(0, 25)) || Boolean(page.next) !== bareRows.length > 25)
        throw new Error(`${sc.name}: getCustomersPage and the bare statement disagree`);
      if (JSON.stringify(overview) !== JSON.stringify(bareOv)) throw new Error(`${sc.name}: getCustomersPage's overview and partner_stats disagree`);
      // Compared field by field: the two sides name the same columns in different orders.
      const fields = (o: object | null) => JSON.stringify(o && Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
      if (fields(matching) !== fields(bareMatching))
        throw new Error(`${sc.name}: the overviews of what the filter matches disagree: ${fields(matching)} vs ${fields(bareMatching)}`);
      // The cards show what the filter matches when there is a filter.
      expected.push({ identifiers: page.rows.map((r) => r.identifier), overview: bareMatching ?? bareOv });
    }

    const rows: BenchRow[] = [];
    let web: Awaited<ReturnType<typeof startWeb>> | undefined;
    let bare: Awaited<ReturnType<typeof startBareRoute>> | undefined;
    let bareHtml: Awaited<ReturnType<typeof startBareHtmlRoute>> | undefined;
    try {
      web = await startWeb();
      bare = await startBareRoute(sql, s, all);
      const [partner] = await sql<{ name: string }[]>`select name from customers where id = ${s.partnerId}`;
      const secret = process.env.NEXTAUTH_SECRET;
      if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
      bareHtml = await startBareHtmlRoute(
        sql,
        { identifier: s.partnerIdentifier, name: partner.name },
        all.map((sc) => sc.bare),
        secret,
      );
      const htmlRoute = bareHtml;
      const [baseUrl, route] = [web.baseUrl, bare];
      const cookie = await signIn(baseUrl, s.admin.email, ADMIN_PASSWORD);
      const pageUrl = (sc: Scenario) => {
        const u = new URL(`${baseUrl}/${s.partnerIdentifier}/admin/customers`);
        for (const [k, v] of Object.entries(sc.url)) u.searchParams.set(k, v);
        return u.toString();
      };
      const opts = { n: REQUESTS, concurrency: CLIENTS, warmup: WARMUP, budgetMs: BUDGET_MS, minN: MIN_REQUESTS };
      for (const [i, sc] of all.entries()) {
        const bareShown = pageShows(await get(htmlRoute.url(i), cookie), expected[i].identifiers, expected[i].overview);
        if (bareShown) throw new Error(`${sc.name}: the bare HTML route: ${bareShown}`);
        const shown = pageShows(await get(pageUrl(sc), cookie), expected[i].identifiers, expected[i].overview);
        log(`${sc.name}: measuring${shown ? ` (${shown})` : ""}`);
        const page = await latencies(() => get(pageUrl(sc), cookie), opts);
        const routeMs = await latencies(() => get(route.url(i)), opts);
        const htmlMs = await latencies(() => get(htmlRoute.url(i), cookie), opts);
        const data = await latencies(() => ourData(sc), opts);
        const statements = await latencies(() => bareData(sql, s, sc), opts);
        log(
          `${sc.name}: page ${fmt(page)}, bare route ${fmt(routeMs)}, bare HTML route ${fmt(htmlMs)}, data ${fmt(data)}, bare statements ${fmt(statements)} (p50/p95)`,
        );
        const first = i === 0;
        const httpNote = [
          first
            ? `GET /{partner}/admin/customers from the production build (${buildNote}), ${CLIENTS} clients in flight, ${page.n} requests; ` +
              "the page also reads the session and the user, authorizes (account, Administration), reads the account switcher's accounts and renders the layout and table to HTML with React; " +
              "the bare route is a Node http server in the bench process running the same statements (the membership check, then the overview and the list) and answering JSON"
            : null,
          shown ? `ROWS DIFFER: ${shown}` : null,
        ]
          .filter(Boolean)
          .join("; ");
        const dataNote = first
          ? `getCustomersPage in-process as the Partner Admin (the authorization, then the overview row and the list at once, no transaction), ${CLIENTS} in flight, ` +
            "beside the same statements bare (a membership check, then the overview and the list at once, no permission tables): issue 10 asks this ratio to stay within 1.5× at 100,000 customers; " +
            describeSeed(s)
          : undefined;
        const add = (name: string, ours: number, raw: number, rawLabel: string, note?: string) =>
          rows.push({ name: `customers ${sc.name}: ${name}`, unit: "ms", ours, raw, rawLabel, higherIsBetter: false, note: note || undefined });
        add("page p50", page.p50, routeMs.p50, "bare route p50", httpNote);
        add("page p95", page.p95, routeMs.p95, "bare route p95");
        add(
          "page p50, HTML yardstick",
          page.p50,
          htmlMs.p50,
          "bare HTML route p50",
          first
            ? "the bare HTML route reads the session cookie, looks the user up, runs the same statements and writes the same overview numbers and rows (the same columns, links and labels) as HTML with template strings, gzipped as the page is; " +
                "it leaves out what the page has beyond the list: the account switcher's accounts, the menus, the sidebar's groups, the filter and create forms, and the data a browser needs to make the page interactive"
            : undefined,
        );
        add("page p95, HTML yardstick", page.p95, htmlMs.p95, "bare HTML route p95");
        add("data p50", data.p50, statements.p50, "same SQL bare p50", dataNote);
        add("data p95", data.p95, statements.p95, "same SQL bare p95");
      }
      // Next.js's floor on this machine: what a route that does nothing, and a page that reads nothing, cost here.
      const floorNote = "no session, no statements: what Next.js itself costs per request on this machine, beside the bare JSON route of the first page";
      const healthz = await latencies(() => get(`${baseUrl}/api/healthz`), opts);
      const signInPage = await latencies(() => get(`${baseUrl}/sign-in`), opts);
      const firstRoute = await latencies(() => get(route.url(0)), opts);
      log(`floor: /api/healthz ${fmt(healthz)}, /sign-in ${fmt(signInPage)}, bare route ${fmt(firstRoute)}`);
      const floor = (name: string, l: Latencies, note?: string) => {
        rows.push({ name: `floor: ${name} p50`, unit: "ms", ours: l.p50, raw: firstRoute.p50, rawLabel: "bare route p50", higherIsBetter: false, note });
        rows.push({ name: `floor: ${name} p95`, unit: "ms", ours: l.p95, raw: firstRoute.p95, rawLabel: "bare route p95", higherIsBetter: false });
      };
      floor("Next.js route that does nothing (/api/healthz)", healthz, floorNote);
      floor("Next.js page that reads nothing (/sign-in, signed out)", signInPage);
    } finally {
      await bareHtml?.stop();
      await bare?.stop();
      await web?.stop();
      await sql.end();
    }
    if (s.counts.customers < CUSTOMERS) throw new Error("seeding fell short");
    return rows;
  },
};

export default bench;
