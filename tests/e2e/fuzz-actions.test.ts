// Bad input everywhere: every server action of the build gets random and hostile input from fast-check — empty values,
// 5,000 characters, control characters (NUL too), HTML, unicode, SQL-ish strings, numbers and booleans as text, long
// identifiers, files instead of text, missing and doubled fields, and fields no form has (kind, parent_id,
// is_operator, project_quota, someone else's ids, $ACTION junk) — next to valid-looking values, so the actions also
// succeed now and then. Posted the way a browser without JavaScript posts the form (its hidden $ACTION fields), and
// now and then the way the page's script calls the action (the Next-Action header and React's reply encoding; the
// only way for forms whose action is wrapped on the client and so render no $ACTION fields).
//
// After every post: no 5xx, no error page, not the action adapter's "Something went wrong on our side" (an exception
// that is not an AppError: a 500 in all but status), and the database changed only where the form may write (each
// action's spec of the rows and columns it owns) and whole (its consistency check: no partial write). Besides: every
// action of the build's manifest has a spec; made-up, stale and other pages' action ids, and an action called with
// other arguments than (state, form), answer without a 5xx and write nothing.
//
// FUZZ_RUNS=n sets the random inputs per action (default 40; each also gets its fixed examples); FUZZ_SEED=n replays a
// run; FUZZ_DEBUG=1 prints every post. The table printed at the end says how many inputs each action was given and how
// many of them wrote something.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type postgres from "postgres";
import { closeDb, db, rawSql } from "@/db/client";
import { emailVerifications, passwordResets, sessions, type Project, type User } from "@/db/schema";
import type { CustomerRef } from "@/lib/accounts";
import { createCustomerGroup, setCustomerGroupMembership } from "@/lib/customer-groups";
import { requestCustomerDeletion } from "@/lib/deletions";
import { inviteMember } from "@/lib/invitations";
import { sendNotice } from "@/lib/notices";
import { setOperator } from "@/lib/operators";
import { createManagedCustomer, setAccountKind, setCustomerQuota } from "@/lib/partners";
import { createProject, setProjectAccess, type ProjectView } from "@/lib/projects";
import { useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, as, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const DEFAULT_QUOTA = Number(process.env.DEFAULT_PROJECT_QUOTA ?? 5);
const CUSTOMER_GROUPS = ["customer_admin", "customer_employee", "customer_reader"];
const PARTNER_GROUPS = ["partner_admin", "partner_employee"];

// ---- the database, before and after a post --------------------------------------------------------------------------

type Row = Record<string, unknown>;
type Change = { table: string; op: "insert" | "update" | "delete"; id: string; before?: Row; after?: Row; cols: string[] };
type Snap = { rows: Record<string, Map<string, Row>>; max: Record<string, string> };

// Whole tables, minus what the worker writes on its own (delivery status, rendered bodies, attempts, relay times).
const TABLES: Record<string, string> = {
  customers: `select id, identifier, name, kind, parent_id, self_managed, deleting_at, deletion_id, tax_id, billing_street, billing_postal_code, billing_city, billing_country,
    payment_method, sepa_account_holder, sepa_iban, project_quota, description, contact_email, contact_phone, country, state, city, postal_code,
    address_line1, address_line2, home_project_id, updated_at from customers`,
  users: `select id, email, name, password_hash, is_operator, email_verified_at, updated_at from users`,
  // Minus "last seen", which every request may move on.
  sessions: `select id, user_id, ended_at from sessions`,
  memberships: `select id, user_id, customer_id, "group" from memberships`,
  invitations: `select id, customer_id, email, full_name, "group", token_hash, invited_by, sent_at, expires_at, accepted_at, accepted_by from invitations`,
  projects: `select id, customer_id, identifier, name from projects`,
  project_access: `select project_id || '/' || user_id as id, project_id, user_id, role from project_access`,
  password_resets: `select id, user_id, token_hash, expires_at, used_at from password_resets`,
  email_verifications: `select id, user_id, email, token_hash, expires_at, used_at from email_verifications`,
  // What the worker writes after a form, not the form itself: the e-mail to a notice's sender (everyone acknowledged)
  // and the dev mailbox's record of each notice copy and reminder it sent in a batch.
  outbound_emails: `select id, template, "to", customer_id, invitation_id from outbound_emails where template not in ('notice-complete', 'batch')`,
  customer_groups: `select id, partner_id, name, description from customer_groups`,
  customer_deletions: `select id, manager_id, status, cancelled_by from customer_deletions`,
  customer_group_members: `select group_id || '/' || customer_id as id, group_id, customer_id from customer_group_members`,
  // Minus what the worker writes (completed_revision) and the bookkeeping time.
  notices: `select id, partner_id, title, body_md, mode, audience, revision, withdrawn_at, reminders_sent, last_reminded_at, targets_count from notices`,
  notice_targets: `select notice_id || '/' || customer_id as id, notice_id, customer_id, live_from, live_until from notice_targets`,
  notice_acknowledgements: `select notice_id || '/' || user_id || '/' || customer_id || '/' || revision as id, notice_id, user_id, customer_id, revision, mode from notice_acknowledgements`,
};
// Append-only tables: the rows after the last one seen (the worker's own delivery-failure events aside), in the order
// of their numeric ids (ORDER BY names the table's column: the text alias `id` would sort "100" before "99").
const APPENDED: Record<string, string> = {
  // Minus what the worker enqueues on its own: a notice's automatic reminder and expiry, work the sweep enqueued again,
  // and the note to its sender. A notice's intent names the piece of work it carries (notice and kind).
  outbox: `select o.id::text as id, o.queue, o.job_id, w.notice_id, w.kind as notice_kind from outbox o
    left join notice_work w on o.queue = 'notices' and w.id::text = o.payload->>'workId'
    where o.id > $1::bigint
    and not (o.queue = 'notices' and (w.kind = 'expire' or w.run like 'auto-%' or (o.payload->>'generation')::int > 0))
    and not exists (select 1 from outbound_emails e where o.queue = 'email' and e.id::text = o.payload->>'emailId' and e.template = 'notice-complete')
    order by o.id`,
  audit_events: `select id::text as id, customer_id, actor_id, action, xmin::text as tx, created_at from audit_events where id > $1::bigint and action <> 'invitation.delivery_failed' order by audit_events.id`,
};

function norm(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) out[k] = v instanceof Date ? v.toISOString() : typeof v === "bigint" ? String(v) : v;
  return out;
}

type Tx = postgres.TransactionSql;

/**
 * Reads in one snapshot of the database (a read-only repeatable-read transaction): a write that commits while the
 * tables are read is seen whole or not at all, never as its customer row in one window and its audit row in the next.
 */
const consistently = <T>(work: (sql: Tx) => Promise<T>) => rawSql().begin("isolation level repeatable read read only", work) as Promise<T>;

async function readTables(sql: Tx): Promise<Snap["rows"]> {
  const pairs = [];
  for (const [t, q] of Object.entries(TABLES)) pairs.push([t, new Map((await sql.unsafe(q)).map((r) => [String(r.id), norm(r)]))] as const);
  return Object.fromEntries(pairs);
}

function snapshot(): Promise<Snap> {
  return consistently(async (sql) => {
    const max: Record<string, string> = {};
    for (const t of Object.keys(APPENDED)) max[t] = String((await sql.unsafe(`select coalesce(max(id), 0)::text as m from ${t}`))[0].m);
    return { rows: await readTables(sql), max };
  });
}

/** What changed since `before`, and the new state to compare the next post with. */
function observe(before: Snap): Promise<{ after: Snap; diff: Change[] }> {
  return consistently((sql) => changesSince(sql, before));
}

async function changesSince(sql: Tx, before: Snap): Promise<{ after: Snap; diff: Change[] }> {
  const rows = await readTables(sql);
  const diff: Change[] = [];
  for (const [table, now] of Object.entries(rows)) {
    const then = before.rows[table];
    for (const [id, after] of now) {
      const prev = then.get(id);
      if (!prev) diff.push({ table, op: "insert", id, after, cols: Object.keys(after) });
      else {
        const cols = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(prev[k]));
        if (cols.length) diff.push({ table, op: "update", id, before: prev, after, cols });
      }
    }
    for (const [id, prev] of then) if (!now.has(id)) diff.push({ table, op: "delete", id, before: prev, cols: Object.keys(prev) });
  }
  const max = { ...before.max };
  for (const [table, q] of Object.entries(APPENDED)) {
    for (const r of await sql.unsafe(q, [before.max[table]])) {
      const after = norm(r);
      diff.push({ table, op: "insert", id: String(after.id), after, cols: Object.keys(after) });
      // By number: the ids come back as text, and "100" sorts before "99".
      if (BigInt(after.id as string) > BigInt(max[table])) max[table] = String(after.id);
    }
  }
  return { after: { rows, max }, diff };
}

const rowOf = (c: Change) => (c.after ?? c.before)!;
const is = (c: Change, table: string, op: Change["op"]) => c.table === table && c.op === op;
/** An update touching no column but these. */
const only = (c: Change, ...cols: string[]) => c.op === "update" && c.cols.every((k) => cols.includes(k));
const count = (d: Change[], table: string, op: Change["op"]) => d.filter((c) => is(c, table, op)).length;
const inserted = (d: Change[], table: string) => d.filter((c) => is(c, table, "insert")).map((c) => c.after!);
const auditedFor =
  (...customerIds: (string | null | undefined)[]) =>
  (c: Change) =>
    is(c, "audit_events", "insert") && customerIds.includes(rowOf(c).customer_id as string);
/** An e-mail recorded and its outbox intent: allowed for actions that send one (their consistency check pairs them). */
const mailRows = (c: Change) => is(c, "outbound_emails", "insert") || is(c, "outbox", "insert");
/**
 * The e-mails recorded and their intents to send them: `expected` e-mails, each with an intent. The worker's
 * reconciliation sweep may add a second intent for an e-mail meanwhile (a new job generation): more intents than
 * e-mails is not a partial write, fewer is.
 */
function mailsPaired(d: Change[], expected: number): string | null {
  const emails = count(d, "outbound_emails", "insert");
  const intents = count(d, "outbox", "insert");
  return emails === expected && intents >= expected
    ? null
    : `${emails} e-mail records and ${intents} outbox rows, expected ${expected} e-mails, each with its intent`;
}
function describeChange(c: Change): string {
  const row = rowOf(c);
  const cols = c.op === "update" ? c.cols.map((k) => `${k}: ${brief(String(c.before![k]))} → ${brief(String(c.after![k]))}`).join(", ") : "";
  return `${c.op} ${c.table} ${c.id}${cols ? ` (${cols})` : ""}${c.op !== "update" ? ` ${brief(JSON.stringify(row), 300)}` : ""}`;
}

// ---- sessions and posts -------------------------------------------------------------------------------------------

/** Cookies of one signed-in person, kept current from Set-Cookie (a new password or "sign out everywhere" re-issues it). */
class Jar {
  readonly cookies = new Map<string, string>();
  constructor(readonly anonymous = false) {}
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  take(res: Response) {
    if (this.anonymous) return;
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || attrs.some((a) => /^\s*expires=/i.test(a) && Date.parse(a.split("=")[1]) < Date.now());
      if (gone || !value) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

const ANON = () => new Jar(true);

async function signIn(b: Browser, email: string, password = PASSWORD): Promise<Jar> {
  const context = await b.newContext();
  const page = await context.newPage();
  await signInViaUi(page, baseUrl, email, password);
  const jar = new Jar();
  for (const c of await context.cookies(baseUrl)) jar.cookies.set(c.name, c.value);
  await context.close();
  return jar;
}

let parser: Page;

/**
 * The server-rendered form that `selector` finds (or sits inside) on `path`, as `jar` sees it: its React action fields
 * ($ACTION_…) and the names of its own fields.
 */
async function formOf(jar: Jar, path: string, selector: string): Promise<{ action: [string, string][]; fields: string[] }> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { cookie: jar.header() }, redirect: "manual" });
  const html = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
  return parser.evaluate(
    ([markup, sel]) => {
      const doc = new DOMParser().parseFromString(markup, "text/html");
      const form = doc.querySelector(sel)?.closest("form");
      if (!form) throw new Error(`no form for ${sel}`);
      const action: [string, string][] = [];
      const fields: string[] = [];
      // form.elements: also the fields outside the form that name it with form="…" (a table row's cells).
      for (const e of Array.from(form.elements) as HTMLInputElement[]) {
        if (!e.name || !["INPUT", "SELECT", "TEXTAREA"].includes(e.tagName)) continue;
        if (e.name.startsWith("$ACTION")) action.push([e.name, e.value]);
        else if (!fields.includes(e.name)) fields.push(e.name);
      }
      return { action, fields };
    },
    [html, selector] as const,
  );
}

type Entry = [string, string | Blob];
type Answer = { status: number; text: string; location: string | null; html: boolean };

async function post(jar: Jar, path: string, entries: Entry[], headers: Record<string, string> = {}): Promise<Answer> {
  const body = new FormData();
  for (const [k, v] of entries) {
    if (typeof v === "string") body.append(k, v);
    else body.append(k, v, "evil.svg");
  }
  const res = await fetch(`${baseUrl}${path}`, { method: "POST", headers: { origin: baseUrl, cookie: jar.header(), ...headers }, body, redirect: "manual" });
  const text = await res.text();
  jar.take(res);
  return { status: res.status, text, location: res.headers.get("location"), html: (res.headers.get("content-type") ?? "").includes("text/html") };
}

/** The ids of the app's server actions by name, from the build the server runs (`next build` writes the manifest). */
function actionIds(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as {
    node: Record<string, { exportedName: string; filename: string }>;
  };
  return new Map(Object.entries(manifest.node).map(([id, a]) => [a.exportedName, id]));
}

/**
 * Posts the way the page's JavaScript calls an action (what React's encodeReply makes of `(prevState, formData)`): the
 * form's entries under the prefix "_1_" (React's reply encoding), the arguments in "0", the action id in the Next-Action header.
 */
async function postJs(jar: Jar, path: string, actionId: string, entries: Entry[], args = JSON.stringify([{}, "$K1"])): Promise<Answer> {
  const body = new FormData();
  for (const [k, v] of entries) {
    if (typeof v === "string") body.append(`_1_${k}`, v);
    else body.append(`_1_${k}`, v, "evil.svg");
  }
  body.append("0", args);
  return post(jar, path, [...body.entries()], { "next-action": actionId, accept: "text/x-component" });
}

/** What the app shows when something it did not expect happened. */
function crashes(res: Answer): string[] {
  const out: string[] = [];
  if (res.status >= 500) out.push(`HTTP ${res.status}`);
  if (/Internal Server Error|Application error: a (server|client)-side exception|data-testid="error-page"/i.test(res.text)) out.push("an error page");
  if (/data-testid="unavailable"|can't reach its database/.test(res.text)) out.push("the database out of reach");
  // What a form gets back shows what was typed: escaped, never as markup.
  if (res.html && /<script>alert\(1\)<\/script>|<img src=x onerror=alert\(1\)>/.test(res.text)) out.push("hostile HTML echoed into the page unescaped");
  if (res.text.includes("Something went wrong on our side"))
    out.push('the action\'s generic failure ("Something went wrong on our side"): an unexpected exception, a 500 in all but status');
  return out;
}

function brief(s: string, max = 70): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, 24)}…[${s.length} chars]…${s.slice(-12)}` : s);
}
const showEntries = (entries: Entry[]) => entries.map(([k, v]) => `${k}=${typeof v === "string" ? brief(v) : "<file>"}`).join(", ");

// ---- generated input ----------------------------------------------------------------------------------------------

let foreignValues: string[] = [];
let privilegedValues: string[] = [];

const FIVE_THOUSAND = ["x".repeat(5000), "é😀".repeat(1667).slice(0, 5000), "a".repeat(5000), `<b>${"a-".repeat(2496)}</b>`];
const hostile = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant(""),
    fc.constantFrom(" ", "\t\n\r ", "\u00a0", "\u3000"),
    fc.constantFrom(...FIVE_THOUSAND),
    fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 12 }),
    fc.constantFrom("\u0000", "a\u0000b", "Acme\u0000 GmbH", "ada\u0000@example.test", "\u202eevil\u202c", "\u200b\ufeff", "\ud800", "\u007f\u0085"),
    fc.constantFrom(
      "<script>alert(1)</script>",
      '"><img src=x onerror=alert(1)>',
      "</form><form action=https://evil.example>",
      "{{7*7}}${7*7}",
      "javascript:alert(1)",
    ),
    fc.string({ unit: "grapheme", maxLength: 30 }),
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.constantFrom("' OR '1'='1", "'; DROP TABLE users; --", "%", "_", "\\", "%' OR 1=1 --", "1); select pg_sleep(3); --"),
    fc.oneof(
      fc.integer().map(String),
      fc.double().map(String),
      fc.constantFrom(
        "true",
        "false",
        "on",
        "null",
        "undefined",
        "NaN",
        "Infinity",
        "-1",
        "0",
        "1e309",
        "-0",
        "0x10",
        "1.5",
        "99999999999999999999",
        "[]",
        "{}",
      ),
    ),
    fc.constantFrom("a".repeat(40), "a".repeat(41), `a${"-".repeat(39)}`, "z".repeat(300), "admin", "operator", "dev", "api"),
    fc.uuid(),
    fc.constantFrom(...foreignValues),
  );

const EXTRA_KEYS = [
  "kind",
  "parent_id",
  "parentId",
  "is_operator",
  "isOperator",
  "project_quota",
  "projectQuota",
  "quota",
  "identifier",
  "id",
  "customerId",
  "customer_id",
  "userId",
  "user_id",
  "account",
  "email",
  "group",
  "role",
  "sessionId",
  "sid",
  "passwordHash",
  "__proto__",
  "constructor",
  `$ACTION_ID_${"0".repeat(40)}`,
  "$ACTION_KEY",
];

type FieldInput = { roll: number; valid: string; hostile: string; how: "keep" | "drop" | "file" | "twice" };
type Input = { bias: number; fields: FieldInput[]; extras: [string, string][]; via: "form" | "js" };

/** A current value looked up when the form is posted (the password changes while the password form is fuzzed). */
const CURRENT_PASSWORD = "\u{F8FF}current-password";
const pw = { current: PASSWORD };

const oneOf = (...xs: string[]) => fc.constantFrom(...xs);
const aName = fc.oneof(fc.stringMatching(/^[A-Z][a-z]{2,12}( [A-Z][a-z]{2,12})?$/), oneOf("Zoë Ærøskøbing", "李小龍", "Ŝtefan Çelik-O'Neil"));
const freshEmail = fc.stringMatching(/^[a-z][a-z0-9]{5,12}$/).map((s) => `fz-${s}@example.test`);
const freshIdentifier = fc.stringMatching(/^[a-z][a-z0-9]{5,16}$/).map((s) => `fz${s}`);
const aPassword = fc.stringMatching(/^[a-zA-Z]{6,16}[0-9!#%]{2,4}[a-z]{2}$/);
const aQuota = fc.oneof(fc.integer({ min: 0, max: 100000 }).map(String), oneOf("0", "1", "2", "5", "100000", " 7 "));

function inputFor(fields: string[], valid: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<Input> {
  const how = fc.oneof({ weight: 10, arbitrary: fc.constant("keep" as const) }, fc.constantFrom("drop" as const, "file" as const, "twice" as const));
  const bad = hostile();
  return fc.record({
    // How often a field gets a valid-looking value in this input: all-valid posts succeed, the others probe.
    bias: fc.constantFrom(100, 85, 40),
    fields: fc.tuple(...fields.map((f) => fc.record({ roll: fc.nat(99), valid: valid[f] ?? bad, hostile: bad, how }))),
    extras: fc.oneof(
      fc.constant([]),
      fc.uniqueArray(fc.tuple(fc.constantFrom(...EXTRA_KEYS), fc.oneof(bad, fc.constantFrom(...privilegedValues))), {
        minLength: 1,
        maxLength: 4,
        selector: ([k]) => k,
      }),
    ),
    // Mostly the way a browser without JavaScript posts the form; now and then the way the page's script calls it.
    via: fc.oneof({ weight: 2, arbitrary: fc.constant("form" as const) }, fc.constant("js" as const)),
  }) as fc.Arbitrary<Input>;
}

/**
 * Inputs every run tries besides the random ones: each field in turn with NUL inside, 5,000 characters, empty, HTML,
 * and missing (the others valid-looking); and an all-valid post that adds fields asking for privileges.
 */
function examplesFor(fields: string[], valid: Record<string, fc.Arbitrary<string>>, good?: (i: number) => Record<string, string>): Input[] {
  let n = 0;
  const base = (): FieldInput[] => {
    // Values that let the post through (where the spec names them), so the one hostile field reaches the database.
    const sure = good?.(n++) ?? {};
    return fields.map((f) => ({ roll: 0, valid: sure[f] ?? (valid[f] ? fc.sample(valid[f], 1)[0] : ""), hostile: "", how: "keep" }));
  };
  const escalate: [string, string][] = [
    ["kind", "partner"],
    ["is_operator", "true"],
    ["parent_id", privilegedValues.at(-1)!],
    ["project_quota", "100000"],
  ];
  const out: Input[] = [{ bias: 50, fields: base(), extras: escalate, via: "form" }];
  const targeted: [string, FieldInput["how"]][] = [
    ["a\u0000b", "keep"],
    ["x".repeat(5000), "keep"],
    ["", "keep"],
    ["<script>alert(1)</script>", "keep"],
    ["", "drop"],
  ];
  fields.forEach((_, i) => {
    for (const [hostile, how] of targeted) {
      const f = base();
      f[i] = { ...f[i], roll: 99, hostile, how };
      out.push({ bias: 50, fields: f, extras: [], via: "form" });
    }
  });
  return out;
}

/** What multipart encoding makes of a value: newlines as CRLF, lone surrogates as U+FFFD. */
const onTheWire = (v: string) => v.replace(/\r\n|\r|\n/g, "\r\n").replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");

/**
 * The form's entries, the values the action reads (the last string value of each name, as the adapter takes them) and
 * every string value posted per name (a name posted twice may reach the action either way once the framework decoded it).
 */
function entriesFor(fields: string[], input: Input): { entries: Entry[]; sent: Map<string, string>; posted: Map<string, string[]> } {
  const entries: Entry[] = [];
  fields.forEach((name, i) => {
    const f = input.fields[i];
    const value = (v: string) => (v === CURRENT_PASSWORD ? pw.current : v);
    if (f.roll < input.bias) return void entries.push([name, value(f.valid)]);
    if (f.how === "drop") return;
    if (f.how === "file") return void entries.push([name, new Blob([f.hostile], { type: "image/svg+xml" })]);
    if (f.how === "twice") entries.push([name, value(f.valid)]);
    entries.push([name, f.hostile]);
  });
  entries.push(...input.extras);
  const sent = new Map<string, string>();
  const posted = new Map<string, string[]>();
  for (const [k, v] of entries)
    if (typeof v === "string" && !k.startsWith("$")) {
      sent.set(k, onTheWire(v));
      posted.set(k, [...(posted.get(k) ?? []), onTheWire(v)]);
    }
  return { entries, sent, posted };
}

// ---- the actions --------------------------------------------------------------------------------------------------

type Ctx = { diff: Change[]; sent: Map<string, string>; posted: Map<string, string[]>; after: Snap; before: Snap; res: Answer };
type Spec = {
  action: string;
  jar: () => Jar;
  path: () => string;
  /** A CSS selector of the form, or of an element inside it, in the server-rendered page. */
  form: string;
  /** Valid-looking values per field; the form's other fields get hostile values only. */
  valid: () => Record<string, fc.Arbitrary<string>>;
  /** For the fixed examples: values that make the post succeed, the i-th time (one-use links differ each time). */
  good?: (i: number) => Record<string, string>;
  /** Whether one change to the database is the form's to make. */
  allow: (c: Change, ctx: Ctx) => boolean;
  /** What a whole write looks like: a message when the post wrote only part of it. */
  consistent?: (ctx: Ctx) => string | null;
  prepare?: () => Promise<void>;
  afterPost?: (ctx: Ctx) => void;
  runs?: number;
};

type World = Awaited<ReturnType<typeof buildWorld>>;
/** The project the delete spec deletes (made by its prepare). */
let doomed: ProjectView | undefined;
/** Invitations the start page's accept spec made (two to its person, one to someone else). */
let myInvitations: { id: string; customerId: string; email: string }[] = [];
let w: World;
const jars: Record<string, Jar> = {};

const newToken = () => randomBytes(32).toString("base64url");
const sha256 = (t: string) => createHash("sha256").update(t).digest("hex");

async function buildWorld() {
  // An operator first: in an empty installation the first person to sign up would become one.
  const operator = await newUser("Olive Operator");
  await setOperator(SYSTEM, operator.email, true);

  // Someone else's things: their ids and names are thrown at every form, and must never change.
  const victim = await newAccount({ fullName: "Vic Victim" });
  const victimEmployee = await newUser("Val Victim-Employee");
  await addMember(victimEmployee.id, victim.customer.id, "customer_employee");
  const victimProject = await createProject(as(victim.user), victim.customer.identifier, { name: "Secret", identifier: "secret" });
  const victimInvite = await inviteMember(as(victim.user), victim.customer.identifier, {
    fullName: "Vera Invited",
    email: `${unique("vera")}@example.test`,
    group: "customer_employee",
  });
  const foreignPartner = await newAccount({ fullName: "Fred Foreign-Partner" });
  await setAccountKind(SYSTEM, foreignPartner.customer.identifier, "partner");
  const foreignManaged = await createManagedCustomer(as(foreignPartner.user), foreignPartner.customer.identifier, {
    name: "Foreign Customer",
    identifier: unique("fmc"),
  });
  const foreignGroup = await createCustomerGroup(SYSTEM, foreignPartner.customer.identifier, { name: "Foreign group" });
  // Another partner's deletion, waiting in its undo window (of a customer of its own: foreignManaged stays, for notices).
  const foreignDoomed = await createManagedCustomer(SYSTEM, foreignPartner.customer.identifier, { name: "Foreign Doomed", identifier: unique("fdoom") });
  const foreignDeletion = await requestCustomerDeletion(
    SYSTEM,
    foreignPartner.customer.identifier,
    { customers: [foreignDoomed.identifier] },
    { confirmation: foreignDoomed.identifier },
  );

  // The operator's targets: an account to turn into a partner and back (with a member and a pending invitation whose
  // groups follow), a managed customer with one project whose quota is set, a user to name operator and revoke.
  const kindTarget = await newAccount({ fullName: "Kim Kind" });
  await addMember((await newUser("Kai Kind-Employee")).id, kindTarget.customer.id, "customer_employee");
  await inviteMember(SYSTEM, kindTarget.customer.identifier, { fullName: "Kit", email: `${unique("kit")}@example.test`, group: "customer_employee" });
  const quotaPartner = await newAccount({ fullName: "Quinn Quota-Partner" });
  await setAccountKind(SYSTEM, quotaPartner.customer.identifier, "partner");
  const quotaTarget = await createManagedCustomer(as(quotaPartner.user), quotaPartner.customer.identifier, { name: "Quota Target", identifier: unique("qt") });
  await createProject(SYSTEM, quotaTarget.identifier, { name: "One", identifier: "one" });
  const operatorTarget = await newUser("Otto Operator-To-Be");

  // The profile's person, and people whose passwords are reset.
  const profile = await newAccount({ fullName: "Pat Profile" });
  const resetRequested = await newUser("Rita Reset");
  const resetDone = await newUser("Rolf Reset");

  // A Customer Admin with two employees, two projects, pending invitations; another account whose members are removed.
  const admin = await newAccount({ fullName: "Cara Admin" });
  const acc = admin.customer.identifier;
  // Room for the projects the fuzz creates, so a valid name or identifier reaches the database rather than the quota.
  await setCustomerQuota(SYSTEM, acc, 50);
  const e1 = await newUser("Emma Employee");
  const e2 = await newUser("Ezra Employee");
  await addMember(e1.id, admin.customer.id, "customer_employee");
  await addMember(e2.id, admin.customer.id, "customer_employee");
  const p1 = await createProject(as(admin.user), acc, { name: "Web", identifier: "web" });
  const p2 = await createProject(as(admin.user), acc, { name: "Data", identifier: "data" });
  const invites = [];
  for (let i = 0; i < 4; i++)
    invites.push(
      (await inviteMember(as(admin.user), acc, { fullName: `Invitee ${i}`, email: `${unique("inv")}@example.test`, group: "customer_employee" })).invitation,
    );

  const remover = await newAccount({ fullName: "Rory Remover" });
  const removable: User[] = [];
  for (const name of ["Rex", "Ria", "Rob"]) {
    const u = await newUser(name);
    await addMember(u.id, remover.customer.id, "customer_employee");
    removable.push(u);
  }
  const removerProject = await createProject(as(remover.user), remover.customer.identifier, { name: "Shared", identifier: "shared" });
  await setProjectAccess(as(remover.user), remover.customer.identifier, removerProject.id, removable[0].id, "project_user");
  // Rex also works for the victim, on its project: removing him here must leave that alone.
  await addMember(removable[0].id, victim.customer.id, "customer_employee");
  await setProjectAccess(as(victim.user), victim.customer.identifier, victimProject.id, removable[0].id, "project_user");

  // A partner with two managed customers (one with a project), its admin not yet a member of them.
  const partner = await newAccount({ fullName: "Paula Partner" });
  await setAccountKind(SYSTEM, partner.customer.identifier, "partner");
  const managed: CustomerRef[] = [];
  for (const n of [1, 2])
    managed.push(await createManagedCustomer(as(partner.user), partner.customer.identifier, { name: `Managed ${n}`, identifier: unique(`mc${n}`) }));
  const managedProject = await createProject(SYSTEM, managed[0].identifier, { name: "Managed project", identifier: "managed-project" });
  // Users of the first managed customer for its Users tab: two who belong to it alone, one who also works elsewhere.
  const managedUsers: User[] = [];
  for (const name of ["Mia Managed", "Max Managed", "Moe Elsewhere"]) {
    const u = await newUser(name);
    await addMember(u.id, managed[0].id, "customer_employee");
    managedUsers.push(u);
  }
  await addMember(managedUsers[2].id, victim.customer.id, "customer_employee");
  // Its customer groups: one holding the first customer, one empty.
  const groups = [
    await createCustomerGroup(SYSTEM, partner.customer.identifier, { name: "North" }),
    await createCustomerGroup(SYSTEM, partner.customer.identifier, { name: "South" }),
  ];
  await setCustomerGroupMembership(SYSTEM, partner.customer.identifier, { groupId: groups[0].id, customers: [managed[0].identifier], member: true });

  // Accounts that invite: someone signed in accepts; people without an account accept by signing up.
  // Notices: a recipient in the partner's first customer with notices open for them, one of them to withdraw, and the
  // foreign partner's notice to its own customer.
  const recipient = await newUser("Rhea Recipient");
  await addMember(recipient.id, managed[0].id, "customer_employee");
  const noticeTo = (title: string, mode: "all_must_read" | "single_read_only") =>
    sendNotice(as(partner.user), partner.customer.identifier, {
      title,
      body: "Please read.",
      mode,
      to: "customers",
      customers: managed.map((m) => m.identifier),
    });
  const notices = [await noticeTo("Fuzz all", "all_must_read"), await noticeTo("Fuzz single", "single_read_only")];
  const withdrawable = await noticeTo("Fuzz withdraw", "all_must_read");
  const foreignNotice = await sendNotice(as(foreignPartner.user), foreignPartner.customer.identifier, {
    title: "Foreign notice",
    body: "Not yours.",
    mode: "all_must_read",
    to: "customers",
    customers: [foreignManaged.identifier],
  });

  const invitee = await newUser("Ivy Invitee");
  const inviting = [await newAccount({ fullName: "Ian Inviter" }), await newAccount({ fullName: "Ina Inviter" })];
  // People who belong to no account (one creates their own, one accepts from the start page), and a member who leaves.
  const strandedCreator = await newUser("Sol Stranded");
  const strandedInvitee = await newUser("Sky Stranded");
  await rawSql()`update users set email_verified_at = now() where id = ${strandedInvitee.id}`;
  const leaver = await newUser("Lee Leaver");
  const quitter = await newUser("Quin Quitter");
  await addMember(leaver.id, inviting[0].customer.id, "customer_employee");

  foreignValues = [
    victim.customer.id,
    victim.customer.identifier,
    victim.user.id,
    victim.user.email,
    victimEmployee.id,
    victimProject.id,
    victimInvite.invitation.id,
    foreignPartner.customer.identifier,
    foreignManaged.id,
    foreignManaged.identifier,
    foreignNotice.id,
  ];
  privilegedValues = [
    "partner",
    "customer",
    "true",
    "1",
    "yes",
    "100000",
    "partner_admin",
    "customer_admin",
    "project_admin",
    victim.customer.id,
    victim.user.id,
    victim.customer.identifier,
    foreignPartner.customer.id,
    foreignGroup.id,
    foreignManaged.identifier,
  ];

  return {
    operator,
    victim,
    victimEmployee,
    victimProject,
    victimInvite,
    kindTarget,
    quotaPartner,
    quotaTarget,
    operatorTarget,
    profile,
    resetRequested,
    resetDone,
    admin,
    acc,
    e1,
    e2,
    projects: [p1, p2] as Project[],
    invites,
    remover,
    removable,
    partner,
    managed,
    groups,
    foreignGroup,
    foreignManaged,
    foreignDeletion,
    deletableGroups: [] as string[],
    doomed: [] as CustomerRef[],
    undoable: [] as string[],
    managedProject,
    managedUsers,
    deletableUsers: [] as User[],
    recipient,
    notices,
    withdrawable,
    foreignNotice,
    invitee,
    inviting,
    strandedCreator,
    strandedInvitee,
    leaver,
    quitter,
  };
}

const failedEmails: string[] = [];
const failedJobs: string[] = [];

/** Tokens of links made for the fuzz: stored as their hash, as the app stores them. */
const links = {
  verify: [] as string[],
  verifyChangeEmail: "",
  reset: [] as string[],
  accept: [] as string[],
  signUpAccept: [] as string[],
  sessions: [] as string[],
};
const acceptInvitations = new Map<string, { id: string; email: string; customerId: string; group: string }>();

/** Sessions of `userId` on other devices (records only: no browser holds their cookies); their record ids. */
async function otherSessions(userId: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => sha256(newToken()));
  await db
    .insert(sessions)
    .values(ids.map((id, i) => ({ id, userId, userAgent: i % 2 ? "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)" : null, ipAddress: "192.0.2.9" })));
  return ids;
}

/** How many sessions of `userId` a snapshot holds that have not ended. */
function activeSessions(snap: Snap, userId: string): number {
  return [...snap.rows.sessions.values()].filter((r) => r.user_id === userId && r.ended_at === null).length;
}

async function insertLink(
  table: typeof passwordResets | typeof emailVerifications,
  userId: string,
  opts: { email?: string; expired?: boolean; used?: boolean },
) {
  const t = newToken();
  const expiresAt = new Date(Date.now() + (opts.expired ? -3600_000 : 3600_000));
  const usedAt = opts.used ? new Date() : null;
  if (table === passwordResets) await db.insert(passwordResets).values({ userId, tokenHash: sha256(t), expiresAt, usedAt });
  else await db.insert(emailVerifications).values({ userId, email: opts.email!.toLowerCase(), tokenHash: sha256(t), expiresAt, usedAt });
  return t;
}

const customersOf = (snap: Snap, customerId: string, table: "memberships" | "projects") =>
  [...snap.rows[table].values()].filter((r) => r.customer_id === customerId);
/** The account an identifier field names, as the identifier schema reads it (trimmed, lower-cased). */
const named = (snap: Snap, identifier: string | undefined) => [...snap.rows.customers.values()].find((r) => r.identifier === identifier?.trim().toLowerCase());
/** The customer one of the posted values names that the change concerns (a field posted twice names either). */
function namedOnce(snap: Snap, c: Change, values: string[] | undefined): Row | undefined {
  const rows = (values ?? []).map((v) => named(snap, v)).filter((r): r is Row => r !== undefined);
  const row = rowOf(c);
  return rows.find((r) => r.id === c.id || r.id === row.customer_id || r.id === row.id) ?? rows.at(-1);
}
/** Whether the customer sits below `ancestorId` in the hierarchy (other forms create customers under the partner too). */
function below(snap: Snap, customerId: string, ancestorId: string): boolean {
  let row = snap.rows.customers.get(customerId);
  for (let depth = 0; row && depth < 20; depth++) {
    if (row.parent_id === ancestorId) return true;
    row = row.parent_id ? snap.rows.customers.get(row.parent_id as string) : undefined;
  }
  return false;
}
const admins = (snap: Snap, customerId: string) =>
  customersOf(snap, customerId, "memberships").filter((m) => ["customer_admin", "partner_admin"].includes(m.group as string)).length;

const specs: Spec[] = [
  // ---- operator -----------------------------------------------------------------------------------------------
  // An operator may change any account and any user: the one the form names (the hostile values name real ones too).
  {
    action: "setAccountKindAction",
    jar: () => jars.operator,
    path: () => `/operator?q=${w.kindTarget.customer.identifier}`,
    form: 'input[name="kind"]',
    valid: () => ({ account: oneOf(w.kindTarget.customer.identifier), kind: oneOf("partner", "customer") }),
    allow: (c, { before, posted }) => {
      const target = namedOnce(before, c, posted.get("account"))?.id;
      return (
        (is(c, "customers", "update") && c.id === target && only(c, "kind", "updated_at")) ||
        (is(c, "memberships", "update") && c.before!.customer_id === target && only(c, "group")) ||
        (is(c, "invitations", "update") && c.before!.customer_id === target && only(c, "group")) ||
        auditedFor(target as string | undefined)(c)
      );
    },
    consistent: ({ diff, after }) => {
      const changed = diff.find((c) => is(c, "customers", "update") && c.cols.includes("kind"));
      const audits = count(diff, "audit_events", "insert");
      if (Boolean(changed) !== (audits === 1)) return `kind changed: ${Boolean(changed)}, audit events: ${audits}`;
      if (!changed) return diff.length ? "a write without a change of kind" : null;
      const kind = changed.after!.kind as string;
      const groups = kind === "partner" ? PARTNER_GROUPS : CUSTOMER_GROUPS;
      const members = customersOf(after, changed.id, "memberships");
      const pending = [...after.rows.invitations.values()].filter((i) => i.customer_id === changed.id && !i.accepted_at);
      const off = [...members, ...pending].filter((r) => !groups.includes(r.group as string));
      return off.length ? `a ${kind} account with groups ${off.map((r) => r.group).join(", ")}` : null;
    },
  },
  {
    action: "setAnyQuotaAction",
    jar: () => jars.operator,
    path: () => `/operator?q=${w.quotaTarget.identifier}`,
    form: 'input[name="quota"]',
    valid: () => ({ account: oneOf(w.quotaTarget.identifier), quota: aQuota }),
    allow: (c, { before, posted }) => {
      const target = namedOnce(before, c, posted.get("account"));
      return (
        (is(c, "customers", "update") && c.id === target?.id && only(c, "project_quota", "updated_at")) ||
        (target !== undefined && auditedFor(target.id as string, target.parent_id as string | null)(c))
      );
    },
    consistent: ({ diff, after }) => {
      const changed = diff.find((c) => is(c, "customers", "update"));
      const audits = count(diff, "audit_events", "insert");
      const expected = !changed ? 0 : changed.after!.parent_id ? 2 : 1;
      if (audits !== expected)
        return `quota changed: ${Boolean(changed)}, audit events: ${audits} (${inserted(diff, "audit_events")
          .map((a) => `${a.action} for ${a.customer_id} (#${a.id}, tx ${a.tx}, at ${a.created_at})`)
          .join(", ")}; expected ${expected}: the customer's and its partner's)`;
      if (!changed) return null;
      const quota = changed.after!.project_quota as number;
      const used = customersOf(after, changed.id, "projects").length;
      return quota < used ? `quota ${quota} below the ${used} projects in use` : null;
    },
  },
  {
    action: "setOperatorAction",
    jar: () => jars.operator,
    path: () => "/operator/operators",
    form: 'form[aria-label="Name an operator"]',
    valid: () => ({ email: oneOf(w.operatorTarget.email, w.operatorTarget.email.toUpperCase(), ` ${w.operatorTarget.email} `), operator: oneOf("yes", "no") }),
    allow: (c, { sent }) =>
      is(c, "users", "update") && (c.before!.email as string).toLowerCase() === sent.get("email")?.trim().toLowerCase() && only(c, "is_operator", "updated_at"),
    consistent: ({ diff, after }) => {
      if (diff.length > 1) return `${diff.length} users changed`;
      return [...after.rows.users.values()].some((u) => u.is_operator) ? null : "no operator left";
    },
  },
  {
    action: "retryEmailAction",
    jar: () => jars.operator,
    path: () => "/operator/emails",
    form: 'input[name="emailId"]',
    prepare: async () => {
      // E-mails whose delivery failed, for the operator to retry (they render and send once retried).
      const sql = rawSql();
      failedEmails.length = 0;
      for (let i = 0; i < 3; i++) {
        const [row] = await sql`insert into outbound_emails (template, props, "to", status, attempts, last_error)
          values ('welcome', ${JSON.stringify({ name: "Fay", accountName: "Fuzz", identifier: "fuzz", accountUrl: `${baseUrl}/fuzz` })}::jsonb, ${`fz-failed-${i}@example.test`},
            'failed', 6, 'fuzz: the provider refused it') returning id`;
        failedEmails.push(row.id as string);
      }
      const [sent] = await sql`select id from outbound_emails where status::text = 'sent' limit 1`;
      if (sent) failedEmails.push(sent.id as string);
    },
    valid: () => ({ emailId: oneOf(...failedEmails) }),
    // Its status goes back to queued (a column the worker writes too, left out of the comparison) and an intent is
    // written to send it again: that intent must be for the e-mail named.
    allow: (c, { sent }) => is(c, "outbox", "insert") && String(c.after!.job_id).startsWith(`email-${sent.get("emailId")}-`),
    consistent: ({ diff }) => (count(diff, "outbox", "insert") <= 1 ? null : "two retries"),
  },
  {
    action: "retryJobAction",
    jar: () => jars.operator,
    path: () => `/operator/queues/email`,
    form: 'input[name="jobId"]',
    prepare: async () => {
      // Jobs that fail at once: e-mails with a template the worker doesn't know, relayed from the outbox like every job.
      const sql = rawSql();
      failedJobs.length = 0;
      for (let i = 0; i < 2; i++) {
        const [row] =
          await sql`insert into outbound_emails (template, props, "to") values ('fuzz-unknown-template', '{}'::jsonb, ${`fz-job-${i}@example.test`}) returning id`;
        const jobId = `email-${row.id as string}`;
        await sql`insert into outbox (queue, job_name, job_id, payload) values ('email', 'email.send', ${jobId}, ${JSON.stringify({ emailId: row.id, generation: 0 })}::jsonb)`;
        failedJobs.push(jobId);
      }
      await expect
        .poll(async () => (await fetch(`${baseUrl}/operator/queues/email`, { headers: { cookie: jars.operator.header() } })).text(), {
          timeout: 30_000,
          interval: 300,
        })
        .toContain(failedJobs[1]);
    },
    valid: () => ({ queue: oneOf("email"), jobId: oneOf(...failedJobs, "email-00000000-0000-4000-8000-000000000000") }),
    // A retry moves the job in the queue (Redis); the database has nothing to change.
    allow: () => false,
  },
  // ---- profile ------------------------------------------------------------------------------------------------
  {
    action: "updateNameAction",
    jar: () => jars.profile,
    path: () => "/profile",
    form: 'form[aria-label="Your name"]',
    valid: () => ({ name: aName }),
    allow: (c) => is(c, "users", "update") && c.id === w.profile.user.id && only(c, "name", "updated_at"),
    consistent: ({ diff, sent }) => {
      const change = diff.find((c) => c.cols.includes("name"));
      return change && change.after!.name !== sent.get("name")?.trim() ? `name saved as ${brief(String(change.after!.name))}` : null;
    },
  },
  {
    action: "resendVerificationAction",
    jar: () => jars.profile,
    path: () => "/profile",
    form: 'form[aria-label="Confirm your address"]',
    valid: () => ({}),
    allow: (c) => (is(c, "email_verifications", "insert") && c.after!.user_id === w.profile.user.id) || mailRows(c),
    consistent: ({ diff }) =>
      mailsPaired(diff, count(diff, "email_verifications", "insert")) ?? (count(diff, "email_verifications", "insert") > 1 ? "two links" : null),
  },
  {
    action: "changeEmailAction",
    jar: () => jars.profile,
    path: () => "/profile",
    form: 'form[aria-label="Change e-mail address"]',
    valid: () => ({ email: fc.oneof(freshEmail, oneOf(w.victim.user.email, w.profile.user.email)), currentPassword: oneOf(CURRENT_PASSWORD) }),
    allow: (c) =>
      (is(c, "email_verifications", "update") && c.before!.user_id === w.profile.user.id && only(c, "used_at")) ||
      (is(c, "email_verifications", "insert") && c.after!.user_id === w.profile.user.id) ||
      mailRows(c),
    consistent: ({ diff, sent }) => {
      const made = inserted(diff, "email_verifications");
      if (made.length > 1) return "two links";
      const bad = mailsPaired(diff, made.length);
      if (bad) return bad;
      return made[0] && made[0].email !== sent.get("email")?.trim().toLowerCase() ? `a link for ${made[0].email}` : null;
    },
  },
  {
    action: "changePasswordAction",
    jar: () => jars.profile,
    path: () => "/profile",
    form: 'form[aria-label="Change password"]',
    prepare: async () => void (await insertLink(passwordResets, w.profile.user.id, {})),
    valid: () => ({ currentPassword: oneOf(CURRENT_PASSWORD), newPassword: aPassword }),
    allow: (c) =>
      (is(c, "users", "update") && c.id === w.profile.user.id && only(c, "password_hash", "updated_at")) ||
      (is(c, "sessions", "update") && c.before!.user_id === w.profile.user.id && only(c, "ended_at")) ||
      (is(c, "password_resets", "update") && c.before!.user_id === w.profile.user.id && only(c, "used_at")),
    consistent: ({ diff, after }) => {
      const hash = Boolean(diff.find((c) => is(c, "users", "update"))?.cols.includes("password_hash"));
      if (!hash && diff.some((c) => is(c, "sessions", "update"))) return "sessions ended, but the password stayed";
      // The session that changed it goes on (the next posts come with it): it alone.
      const live = activeSessions(after, w.profile.user.id);
      return hash && live !== 1 ? `${live} sessions left after a new password` : null;
    },
    afterPost: ({ diff, sent }) => {
      if (diff.some((c) => c.cols.includes("password_hash"))) pw.current = sent.get("newPassword")!;
    },
  },
  {
    action: "signOutEverywhereAction",
    jar: () => jars.profile,
    path: () => "/profile",
    form: 'form[aria-label="Sign out everywhere else"]',
    prepare: async () => void (await otherSessions(w.profile.user.id, 3)),
    valid: () => ({}),
    allow: (c) => is(c, "sessions", "update") && c.before!.user_id === w.profile.user.id && only(c, "ended_at"),
    consistent: ({ after }) => {
      const live = activeSessions(after, w.profile.user.id);
      return live === 1 ? null : `${live} sessions left`;
    },
  },
  {
    action: "signOutAction",
    // Its own person: the first post that passes ends the jar's session, the rest post without one.
    jar: () => jars.quitter,
    path: () => "/profile",
    form: 'form[aria-label="Sign out"]',
    prepare: async () => void (await otherSessions(w.quitter.id, 2)),
    valid: () => ({}),
    allow: (c) => is(c, "sessions", "update") && c.before!.user_id === w.quitter.id && only(c, "ended_at"),
    // Only the session the cookie carried ends: the person's other devices stay signed in.
    consistent: ({ after }) => {
      const live = activeSessions(after, w.quitter.id);
      return live >= 2 ? null : `${live} sessions left of the 2 on other devices`;
    },
  },
  {
    action: "endSessionAction",
    jar: () => jars.profile,
    path: () => "/profile",
    form: 'form[aria-label="Where you are signed in"]',
    prepare: async () => {
      links.sessions = [...(await otherSessions(w.profile.user.id, 6)), ...(await otherSessions(w.victim.user.id, 1))];
    },
    valid: () => ({ sessionId: oneOf(...links.sessions) }),
    allow: (c) => is(c, "sessions", "update") && c.before!.user_id === w.profile.user.id && c.before!.ended_at === null && only(c, "ended_at"),
    consistent: ({ diff, sent, after }) => {
      const ended = diff.filter((c) => is(c, "sessions", "update"));
      if (ended.length > 1) return `${ended.length} sessions ended`;
      if (ended[0] && ended[0].id !== sent.get("sessionId")) return "another session ended than the one named";
      return activeSessions(after, w.profile.user.id) >= 1 ? null : "the session that asked was ended";
    },
  },
  {
    action: "confirmEmailAction",
    jar: () => jars.profile,
    path: () => `/verify-email/${links.verify[0]}`,
    form: 'input[name="token"]',
    prepare: async () => {
      const me = w.profile.user;
      links.verifyChangeEmail = `${unique("fz-new")}@example.test`;
      links.verify = [
        await insertLink(emailVerifications, me.id, { email: me.email }),
        await insertLink(emailVerifications, me.id, { email: links.verifyChangeEmail }),
        await insertLink(emailVerifications, w.victim.user.id, { email: w.victim.user.email }),
        await insertLink(emailVerifications, me.id, { email: me.email, expired: true }),
      ];
    },
    valid: () => ({ token: oneOf(...links.verify) }),
    allow: (c) =>
      (is(c, "email_verifications", "update") && c.before!.user_id === w.profile.user.id && only(c, "used_at")) ||
      (is(c, "users", "update") && c.id === w.profile.user.id && only(c, "email", "email_verified_at", "updated_at")) ||
      (is(c, "password_resets", "update") && c.before!.user_id === w.profile.user.id && only(c, "used_at")),
    consistent: ({ diff }) => {
      const u = diff.find((c) => is(c, "users", "update"));
      const used = diff.filter((c) => is(c, "email_verifications", "update"));
      if (u && used.length === 0) return "the user changed without using a link";
      if (u?.cols.includes("email") && u.after!.email !== links.verifyChangeEmail) return `address became ${u.after!.email}`;
      return null;
    },
  },
  // ---- signed out ---------------------------------------------------------------------------------------------
  {
    action: "requestPasswordResetAction",
    jar: ANON,
    path: () => "/forgot-password",
    form: 'input[name="email"]',
    valid: () => ({ email: fc.oneof(oneOf(w.resetRequested.email, w.resetRequested.email.toUpperCase()), freshEmail) }),
    allow: (c) => is(c, "password_resets", "insert") || mailRows(c),
    consistent: ({ diff, sent, after }) => {
      const resets = inserted(diff, "password_resets");
      if (resets.length > 1) return "two reset links";
      const bad = mailsPaired(diff, resets.length);
      if (bad) return bad;
      if (!resets[0]) return null;
      const owner = after.rows.users.get(resets[0].user_id as string)!;
      const mail = inserted(diff, "outbound_emails")[0];
      if ((owner.email as string).toLowerCase() !== sent.get("email")?.trim().toLowerCase()) return `a reset link for ${owner.email}`;
      return mail.to === owner.email ? null : `the link went to ${mail.to}, not ${owner.email}`;
    },
  },
  {
    action: "resetPasswordAction",
    jar: ANON,
    path: () => `/reset-password/${links.reset[0]}`,
    form: 'input[name="token"]',
    prepare: async () => {
      const id = w.resetDone.id;
      links.reset = [
        await insertLink(passwordResets, id, {}),
        await insertLink(passwordResets, id, {}),
        await insertLink(passwordResets, id, {}),
        await insertLink(passwordResets, id, { expired: true }),
        await insertLink(passwordResets, id, { used: true }),
      ];
    },
    valid: () => ({ token: oneOf(...links.reset), password: aPassword, username: oneOf(w.resetDone.email) }),
    allow: (c) =>
      (is(c, "users", "update") && c.id === w.resetDone.id && only(c, "password_hash", "email_verified_at", "updated_at")) ||
      (is(c, "sessions", "update") && c.before!.user_id === w.resetDone.id && only(c, "ended_at")) ||
      (is(c, "password_resets", "update") && c.before!.user_id === w.resetDone.id && only(c, "used_at")) ||
      (is(c, "email_verifications", "update") && c.before!.user_id === w.resetDone.id && only(c, "used_at")),
    consistent: ({ diff, after }) => {
      const u = diff.find((c) => is(c, "users", "update"));
      const hash = Boolean(u?.cols.includes("password_hash"));
      const used = diff.some((c) => is(c, "password_resets", "update"));
      if (hash !== used) return `password changed: ${hash}, a link used: ${used}`;
      return hash && activeSessions(after, w.resetDone.id) > 0 ? "a new password, but the sessions did not end" : null;
    },
  },
  {
    action: "signUpAction",
    jar: ANON,
    path: () => "/sign-up",
    form: 'input[name="accountName"]',
    runs: Math.ceil(RUNS * 1.25),
    // Now and then a taken address: answered as a new one, nothing created, its owner e-mailed (once an hour).
    valid: () => ({
      fullName: aName,
      email: fc.oneof({ weight: 4, arbitrary: freshEmail }, oneOf(w.victim.user.email, w.e1.email)),
      password: aPassword,
      accountName: aName,
      identifier: freshIdentifier,
    }),
    allow: (c, { diff }) => {
      const newCustomer = inserted(diff, "customers")[0];
      return (
        (is(c, "users", "insert") && c.after!.is_operator === false) ||
        (is(c, "customers", "insert") && c.after!.kind === "customer" && c.after!.parent_id === null && c.after!.project_quota === DEFAULT_QUOTA) ||
        (is(c, "memberships", "insert") && c.after!.group === "customer_admin") ||
        (is(c, "email_verifications", "insert") && c.after!.user_id === inserted(diff, "users")[0]?.id) ||
        (is(c, "sessions", "insert") && c.after!.user_id === inserted(diff, "users")[0]?.id) ||
        (newCustomer !== undefined && auditedFor(newCustomer.id as string)(c)) ||
        mailRows(c)
      );
    },
    consistent: ({ diff, sent }) => {
      const [u, cu, m] = [inserted(diff, "users"), inserted(diff, "customers"), inserted(diff, "memberships")];
      if (!(u.length === cu.length && cu.length === m.length && u.length <= 1)) return `${u.length} users, ${cu.length} accounts, ${m.length} memberships`;
      const mails = count(diff, "outbound_emails", "insert");
      if (u.length === 0) {
        // A taken address is answered as a new one, and its owner told by e-mail (at most once an hour): the one mail a
        // sign-up that creates nothing may send, to the address the action read (a field sent twice: its last value).
        const owner = sent.get("email")?.trim().toLowerCase();
        const told = inserted(diff, "outbound_emails").filter((e) => e.template === "sign-up-attempt" && String(e.to).toLowerCase() === owner);
        if (count(diff, "audit_events", "insert") || mails !== told.length) return "e-mail or audit without an account";
        return mails ? mailsPaired(diff, mails) : null;
      }
      if (m[0].user_id !== u[0].id || m[0].customer_id !== cu[0].id) return "the membership joins someone else";
      if (u[0].email !== sent.get("email")?.trim().toLowerCase()) return `signed up as ${u[0].email}`;
      if (cu[0].identifier !== sent.get("identifier")?.trim().toLowerCase()) return `account ${cu[0].identifier}`;
      return mails >= 1 ? mailsPaired(diff, mails) : "no welcome e-mail";
    },
  },
  {
    action: "acceptWithSignUpAction",
    jar: ANON,
    path: () => `/invitations/${links.signUpAccept[0]}`,
    form: 'input[name="password"]',
    runs: Math.ceil(RUNS * 0.75),
    prepare: async () => {
      const account = w.inviting[1].customer.identifier;
      links.signUpAccept = [];
      const people = [`${unique("fz-a")}@example.test`, `${unique("fz-b")}@example.test`, `${unique("fz-c")}@example.test`, w.victimEmployee.email];
      // One more for each fixed example, so each finds its link unused.
      for (let i = 0; i < 16; i++) people.push(`${unique("fz-x")}@example.test`);
      for (const [i, email] of people.entries()) {
        const group = i === 1 ? "customer_admin" : "customer_employee";
        const { invitation, token: t } = await inviteMember(SYSTEM, account, { fullName: `Newcomer ${i}`, email, group });
        acceptInvitations.set(invitation.id, { id: invitation.id, email: invitation.email, customerId: invitation.customerId, group });
        links.signUpAccept.push(t);
      }
    },
    valid: () => ({ token: oneOf(...links.signUpAccept.slice(0, 4)), fullName: aName, password: aPassword }),
    good: (i) => ({ token: links.signUpAccept[4 + (i % 16)], fullName: "Nia Newcomer", password: "a-strong-passphrase-7" }),
    allow: (c, { diff }) =>
      (is(c, "users", "insert") && c.after!.is_operator === false) ||
      (is(c, "sessions", "insert") && c.after!.user_id === inserted(diff, "users")[0]?.id) ||
      (is(c, "memberships", "insert") && c.after!.customer_id === w.inviting[1].customer.id) ||
      (is(c, "invitations", "update") && acceptInvitations.has(c.id) && only(c, "accepted_at", "accepted_by")) ||
      auditedFor(w.inviting[1].customer.id)(c),
    consistent: ({ diff }) => {
      const [u, m] = [inserted(diff, "users"), inserted(diff, "memberships")];
      const accepted = diff.filter((c) => is(c, "invitations", "update"));
      if (!(u.length === m.length && m.length === accepted.length && u.length <= 1))
        return `${u.length} users, ${m.length} memberships, ${accepted.length} invitations used`;
      if (!u[0]) return null;
      const inv = acceptInvitations.get(accepted[0].id)!;
      if (u[0].email !== inv.email) return `signed up as ${u[0].email} with the invitation for ${inv.email}`;
      if (m[0].user_id !== u[0].id || m[0].group !== inv.group) return `joined as ${m[0].group}`;
      return accepted[0].after!.accepted_by === u[0].id ? null : "the invitation names someone else";
    },
  },
  // ---- belonging to no account, and leaving one -------------------------------------------------------------------
  {
    action: "createOwnAccountAction",
    jar: () => jars.strandedCreator,
    path: () => "/",
    form: 'form[aria-label="Create an account of your own"]',
    valid: () => ({ name: aName, identifier: fc.oneof(freshIdentifier, oneOf(w.acc)) }),
    allow: (c, { diff }) => {
      const created = inserted(diff, "customers").map((r) => r.id as string);
      return (
        (is(c, "customers", "insert") && c.after!.kind === "customer" && c.after!.parent_id === null) ||
        (is(c, "memberships", "insert") &&
          c.after!.user_id === w.strandedCreator.id &&
          created.includes(c.after!.customer_id as string) &&
          c.after!.group === "customer_admin") ||
        auditedFor(...created)(c)
      );
    },
    consistent: ({ diff }) => {
      const [accounts, memberships, audits] = [count(diff, "customers", "insert"), count(diff, "memberships", "insert"), count(diff, "audit_events", "insert")];
      return accounts <= 1 && accounts === memberships && accounts === audits
        ? null
        : `${accounts} accounts, ${memberships} memberships, ${audits} audit events`;
    },
  },
  {
    action: "acceptMyInvitationAction",
    jar: () => jars.strandedInvitee,
    path: () => "/",
    form: 'form[aria-label^="Accept the invitation"]',
    prepare: async () => {
      myInvitations = [];
      for (const [account, email] of [
        [w.inviting[0].customer.identifier, w.strandedInvitee.email],
        [w.inviting[1].customer.identifier, w.strandedInvitee.email],
        [w.inviting[0].customer.identifier, `${unique("fz-else")}@example.test`],
      ]) {
        const { invitation } = await inviteMember(SYSTEM, account, { fullName: "Sky", email, group: "customer_employee" });
        myInvitations.push({ id: invitation.id, customerId: invitation.customerId, email: invitation.email });
      }
    },
    valid: () => ({ invitationId: oneOf(...myInvitations.map((i) => i.id)) }),
    allow: (c) => {
      const mine = myInvitations.filter((i) => i.email === w.strandedInvitee.email.toLowerCase());
      return (
        (is(c, "memberships", "insert") && c.after!.user_id === w.strandedInvitee.id && mine.some((i) => i.customerId === c.after!.customer_id)) ||
        (is(c, "invitations", "update") && mine.some((i) => i.id === c.id) && only(c, "accepted_at", "accepted_by")) ||
        auditedFor(...mine.map((i) => i.customerId))(c)
      );
    },
    consistent: ({ diff }) => {
      const m = count(diff, "memberships", "insert");
      const used = count(diff, "invitations", "update");
      return m <= 1 && m === used && count(diff, "audit_events", "insert") === m ? null : `${m} memberships, ${used} invitations used`;
    },
  },
  {
    action: "leaveAccountAction",
    jar: () => jars.leaver,
    path: () => `/${w.inviting[0].customer.identifier}/users`,
    form: 'form[aria-label^="Leave "]',
    valid: () => ({ account: oneOf(w.inviting[0].customer.identifier, w.inviting[1].customer.identifier, w.acc) }),
    allow: (c) =>
      (is(c, "memberships", "delete") && c.before!.user_id === w.leaver.id && c.before!.customer_id === w.inviting[0].customer.id) ||
      (is(c, "project_access", "delete") && c.before!.user_id === w.leaver.id) ||
      auditedFor(w.inviting[0].customer.id)(c),
    consistent: ({ diff }) => {
      const left = count(diff, "memberships", "delete");
      return left <= 1 && count(diff, "audit_events", "insert") === left
        ? null
        : `${left} memberships left with ${count(diff, "audit_events", "insert")} audit events`;
    },
  },
  // ---- signed in with a link ----------------------------------------------------------------------------------
  {
    action: "acceptInvitationAction",
    jar: () => jars.invitee,
    path: () => `/invitations/${links.accept[0]}`,
    form: 'input[name="token"]',
    prepare: async () => {
      links.accept = [];
      const targets = [
        { account: w.inviting[0].customer.identifier, email: w.invitee.email, group: "customer_employee" as const },
        { account: w.inviting[1].customer.identifier, email: w.invitee.email, group: "customer_admin" as const },
        { account: w.inviting[0].customer.identifier, email: `${unique("fz-other")}@example.test`, group: "customer_admin" as const },
      ];
      for (const t of targets) {
        const { invitation, token: tok } = await inviteMember(SYSTEM, t.account, { fullName: "Ivy", email: t.email, group: t.group });
        acceptInvitations.set(invitation.id, { id: invitation.id, email: invitation.email, customerId: invitation.customerId, group: t.group });
        links.accept.push(tok);
      }
    },
    valid: () => ({ token: oneOf(...links.accept) }),
    allow: (c) => {
      const mine = [...acceptInvitations.values()].filter((i) => i.email === w.invitee.email.toLowerCase());
      return (
        (is(c, "memberships", "insert") && c.after!.user_id === w.invitee.id && mine.some((i) => i.customerId === c.after!.customer_id)) ||
        (is(c, "invitations", "update") && mine.some((i) => i.id === c.id) && only(c, "accepted_at", "accepted_by")) ||
        // Accepting proves the address.
        (is(c, "users", "update") && c.id === w.invitee.id && only(c, "email_verified_at", "updated_at")) ||
        auditedFor(...mine.map((i) => i.customerId))(c)
      );
    },
    consistent: ({ diff }) => {
      const m = inserted(diff, "memberships");
      const accepted = diff.filter((c) => is(c, "invitations", "update"));
      if (m.length !== accepted.length || m.length > 1) return `${m.length} memberships, ${accepted.length} invitations used`;
      if (diff.some((c) => is(c, "users", "update")) && !accepted.length) return "the address became verified without an invitation accepted";
      return m[0] && m[0].group !== acceptInvitations.get(accepted[0].id)!.group ? `joined as ${m[0].group}` : null;
    },
  },
  // ---- a partner's Administration -----------------------------------------------------------------------------
  {
    action: "createCustomerAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers`,
    form: 'form[aria-label="New customer"]',
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      name: aName,
      identifier: freshIdentifier,
      groups: oneOf("", ...w.groups.map((g) => g.id), w.foreignGroup.id),
      parent: oneOf("", w.managed[1].identifier, w.foreignManaged.identifier),
    }),
    allow: (c, { diff }) => {
      const created = inserted(diff, "customers").map((r) => r.id as string);
      return (
        (is(c, "customers", "insert") &&
          [w.partner.customer.id, w.managed[1].id].includes(c.after!.parent_id as string) &&
          c.after!.kind === "customer" &&
          c.after!.self_managed === false &&
          c.after!.project_quota === DEFAULT_QUOTA) ||
        (is(c, "customer_group_members", "insert") && w.groups.some((g) => g.id === c.after!.group_id) && created.includes(c.after!.customer_id as string)) ||
        auditedFor(w.partner.customer.id, w.managed[1].id, ...created)(c)
      );
    },
    consistent: ({ diff, sent }) => {
      const created = inserted(diff, "customers");
      const audits = count(diff, "audit_events", "insert");
      // The partner's, the customer's own, and the parent's when it is a sub-customer.
      const expected = created.length === 0 ? 0 : created[0].parent_id === w.partner.customer.id ? 2 : 3;
      if (created.length > 1 || audits !== expected) return `${created.length} customers with ${audits} audit events`;
      const grouped = count(diff, "customer_group_members", "insert");
      const asked = w.groups.some((g) => g.id === sent.get("groups")) ? 1 : 0;
      return created.length === 0 || grouped === asked ? null : `${grouped} group memberships for ${asked} groups asked`;
    },
  },
  {
    action: "changeGroupMembershipAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers`,
    form: 'form[aria-label="Change the groups of the selected customers"]',
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      groupId: oneOf(...w.groups.map((g) => g.id), w.foreignGroup.id),
      customers: oneOf(...w.managed.map((m) => m.identifier), w.foreignManaged.identifier),
      change: oneOf("add", "remove"),
    }),
    allow: (c) =>
      ((is(c, "customer_group_members", "insert") || is(c, "customer_group_members", "delete")) &&
        w.groups.some((g) => g.id === rowOf(c).group_id) &&
        w.managed.some((m) => m.id === rowOf(c).customer_id)) ||
      auditedFor(w.partner.customer.id)(c),
    consistent: ({ diff }) => {
      const changed = count(diff, "customer_group_members", "insert") + count(diff, "customer_group_members", "delete");
      const audits = count(diff, "audit_events", "insert");
      return changed <= 1 && audits === changed ? null : `${changed} group memberships changed with ${audits} audit events`;
    },
  },
  {
    action: "createGroupAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/groups`,
    form: 'form[aria-label="New group"]',
    valid: () => ({ account: oneOf(w.partner.customer.identifier), name: aName, description: oneOf("", "Customers in the north") }),
    allow: (c) => (is(c, "customer_groups", "insert") && c.after!.partner_id === w.partner.customer.id) || auditedFor(w.partner.customer.id)(c),
    consistent: ({ diff }) => {
      const created = count(diff, "customer_groups", "insert");
      const audits = count(diff, "audit_events", "insert");
      return created <= 1 && audits === created ? null : `${created} groups with ${audits} audit events`;
    },
  },
  {
    action: "updateGroupAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/groups`,
    form: 'form[aria-label="Edit North"]',
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      groupId: oneOf(w.groups[1].id, w.foreignGroup.id),
      name: aName,
      description: oneOf("", "Customers in the south"),
    }),
    allow: (c) =>
      (is(c, "customer_groups", "update") && c.before!.partner_id === w.partner.customer.id && only(c, "name", "description")) ||
      auditedFor(w.partner.customer.id)(c),
    consistent: ({ diff }) => {
      const changed = count(diff, "customer_groups", "update");
      const audits = count(diff, "audit_events", "insert");
      return changed <= 1 && audits === changed ? null : `${changed} groups changed with ${audits} audit events`;
    },
  },
  {
    action: "deleteGroupAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/groups`,
    form: 'form[aria-label="Delete North"]',
    prepare: async () => {
      // Groups to delete, each holding a customer: the customer must stay.
      for (let i = 0; i < 3; i++) {
        const g = await createCustomerGroup(SYSTEM, w.partner.customer.identifier, { name: `Doomed ${i}` });
        await setCustomerGroupMembership(SYSTEM, w.partner.customer.identifier, { groupId: g.id, customers: [w.managed[1].identifier], member: true });
        w.deletableGroups.push(g.id);
      }
    },
    valid: () => ({ account: oneOf(w.partner.customer.identifier), groupId: oneOf(...w.deletableGroups, w.foreignGroup.id) }),
    allow: (c, { diff }) => {
      const deleted = diff.filter((d) => is(d, "customer_groups", "delete")).map((d) => d.id);
      return (
        (is(c, "customer_groups", "delete") && w.deletableGroups.includes(c.id)) ||
        (is(c, "customer_group_members", "delete") && deleted.includes(c.before!.group_id as string)) ||
        auditedFor(w.partner.customer.id)(c)
      );
    },
    consistent: ({ diff }) => {
      const deleted = count(diff, "customer_groups", "delete");
      const audits = count(diff, "audit_events", "insert");
      return deleted <= 1 && audits === deleted ? null : `${deleted} groups deleted with ${audits} audit events`;
    },
  },
  // ---- notices ------------------------------------------------------------------------------------------------------
  {
    action: "composeNoticeAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/notices/new`,
    form: 'form[aria-label="New notice"]',
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      intent: oneOf("preview", "send"),
      title: aName,
      body: oneOf("Please **read** this.", "Line one\nLine two", "- a\n- b"),
      mode: oneOf("all_must_read", "single_read_only"),
      audience: oneOf("all", "admins"),
      importance: oneOf("information", "action_required"),
      to: oneOf("customers", "groups", "all"),
      customers: oneOf(...w.managed.map((m) => m.identifier), w.managed.map((m) => m.identifier).join(", "), w.foreignManaged.identifier),
      groups: oneOf(...w.groups.map((g) => g.id), w.foreignGroup.id),
      descendants: oneOf("", "on"),
      emailCopy: oneOf("", "on"),
      remindAfterDays: oneOf("", "3", "90"),
      dueAt: oneOf("", "2030-01-01T10:00"),
      startsAt: oneOf("", "2030-01-01T09:00"),
      expiresAt: oneOf("", "2031-01-01T09:00"),
    }),
    allow: (c, { diff, after }) => {
      const sent = inserted(diff, "notices").map((n) => n.id);
      return (
        (is(c, "notices", "insert") && c.after!.partner_id === w.partner.customer.id) ||
        (is(c, "notice_targets", "insert") && sent.includes(c.after!.notice_id) && below(after, c.after!.customer_id as string, w.partner.customer.id)) ||
        is(c, "outbox", "insert") ||
        auditedFor(w.partner.customer.id)(c)
      );
    },
    consistent: ({ diff }) => {
      const sent = count(diff, "notices", "insert");
      const targets = count(diff, "notice_targets", "insert");
      const audits = count(diff, "audit_events", "insert");
      const intents = count(diff, "outbox", "insert");
      return sent <= 1 && audits === sent && intents === sent && (sent === 0 ? targets === 0 : targets >= 1)
        ? null
        : `${sent} notices with ${targets} targets, ${intents} intents and ${audits} audit events`;
    },
  },
  {
    action: "editNoticeAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/notices/${w.notices[0].id}`,
    form: 'form[aria-label="Edit the notice"]',
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      noticeId: oneOf(w.notices[0].id, w.foreignNotice.id),
      title: aName,
      body: oneOf("Corrected **text**.", "Please read."),
      reissue: oneOf("", "on"),
    }),
    allow: (c) =>
      (is(c, "notices", "update") && c.before!.id === w.notices[0].id && only(c, "title", "body_md", "revision")) ||
      (is(c, "outbox", "insert") && rowOf(c).notice_id === w.notices[0].id && rowOf(c).notice_kind === "publish") ||
      auditedFor(w.partner.customer.id)(c),
    consistent: ({ diff }) => {
      const changed = count(diff, "notices", "update");
      const audits = count(diff, "audit_events", "insert");
      return changed <= 1 && audits === changed ? null : `${changed} notices changed with ${audits} audit events`;
    },
  },
  {
    action: "remindNoticeAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/notices/${w.notices[1].id}`,
    form: 'form[aria-label="Remind those still open"]',
    valid: () => ({ account: oneOf(w.partner.customer.identifier), noticeId: oneOf(w.notices[1].id, w.foreignNotice.id) }),
    allow: (c) =>
      (is(c, "notices", "update") && c.before!.id === w.notices[1].id && only(c, "reminders_sent", "last_reminded_at")) ||
      (is(c, "outbox", "insert") && rowOf(c).notice_id === w.notices[1].id && rowOf(c).notice_kind === "remind") ||
      auditedFor(w.partner.customer.id)(c),
    consistent: ({ diff }) => {
      const reminded = count(diff, "notices", "update");
      const intents = count(diff, "outbox", "insert");
      const audits = count(diff, "audit_events", "insert");
      return reminded <= 1 && audits === reminded && intents === reminded ? null : `${reminded} reminders with ${intents} intents and ${audits} audit events`;
    },
  },
  {
    action: "withdrawNoticeAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/notices/${w.withdrawable.id}`,
    form: 'form[aria-label="Withdraw the notice"]',
    valid: () => ({ account: oneOf(w.partner.customer.identifier), noticeId: oneOf(w.withdrawable.id, w.foreignNotice.id) }),
    allow: (c) =>
      (is(c, "notices", "update") && c.before!.id === w.withdrawable.id && only(c, "withdrawn_at")) ||
      (is(c, "notice_targets", "update") && c.before!.notice_id === w.withdrawable.id && only(c, "live_until")) ||
      auditedFor(w.partner.customer.id)(c),
    consistent: ({ diff }) => {
      const withdrawn = count(diff, "notices", "update");
      const targets = count(diff, "notice_targets", "update");
      const audits = count(diff, "audit_events", "insert");
      return withdrawn <= 1 && audits === withdrawn && (withdrawn === 0) === (targets === 0)
        ? null
        : `${withdrawn} withdrawn, ${targets} targets, ${audits} audits`;
    },
  },
  {
    action: "acknowledgeNoticeAction",
    jar: () => jars.recipient,
    path: () => `/${w.managed[0].identifier}/notices`,
    form: 'form[aria-label^="Acknowledge"]',
    valid: () => ({
      account: oneOf(w.managed[0].identifier, w.managed[1].identifier, w.foreignManaged.identifier),
      noticeId: oneOf(...w.notices.map((n) => n.id), w.foreignNotice.id),
    }),
    allow: (c) =>
      (is(c, "notice_acknowledgements", "insert") &&
        c.after!.user_id === w.recipient.id &&
        c.after!.customer_id === w.managed[0].id &&
        w.notices.some((n) => n.id === c.after!.notice_id)) ||
      (is(c, "outbox", "insert") && rowOf(c).notice_kind === "check" && w.notices.some((n) => n.id === rowOf(c).notice_id)) ||
      auditedFor(w.managed[0].id)(c),
    consistent: ({ diff }) => {
      const acks = count(diff, "notice_acknowledgements", "insert");
      const audits = count(diff, "audit_events", "insert");
      const intents = count(diff, "outbox", "insert");
      // One completion check per notice and 5-second slot: an acknowledgement in a slot that has one adds no intent.
      return acks <= 1 && audits === acks && intents <= acks ? null : `${acks} acknowledgements with ${audits} audit events and ${intents} intents`;
    },
  },
  {
    action: "requestDeletionAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/deletions/new?customers=${w.managed[0].identifier}`,
    form: 'form[aria-label="Confirm the deletion"]',
    prepare: async () => {
      // Customers of its own to delete: the other specs' customers must stay.
      for (let i = 0; i < 4; i++)
        w.doomed.push(await createManagedCustomer(SYSTEM, w.partner.customer.identifier, { name: `Doomed ${i}`, identifier: unique(`doomed${i}`) }));
    },
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      customers: oneOf(...w.doomed.map((c) => c.identifier), w.foreignManaged.identifier),
      confirmation: oneOf(...w.doomed.map((c) => c.identifier), "1", ""),
    }),
    allow: (c, { diff }) => {
      const deletions = diff.filter((d) => is(d, "customer_deletions", "insert")).map((d) => d.id);
      return (
        (is(c, "customer_deletions", "insert") && c.after!.manager_id === w.partner.customer.id && c.after!.status === "pending") ||
        (is(c, "customers", "update") &&
          w.doomed.some((d) => d.id === c.id) &&
          only(c, "deleting_at", "deletion_id") &&
          deletions.includes(c.after!.deletion_id as string)) ||
        (is(c, "outbox", "insert") && String(c.after!.job_id).startsWith("deletion-")) ||
        auditedFor(w.partner.customer.id)(c)
      );
    },
    consistent: ({ diff }) => {
      const made = count(diff, "customer_deletions", "insert");
      const marked = count(diff, "customers", "update");
      const audits = count(diff, "audit_events", "insert");
      const jobs = count(diff, "outbox", "insert");
      return made <= 1 && (made === 0 ? marked + audits + jobs === 0 : marked === 1 && audits === 1 && jobs === 1)
        ? null
        : `${made} deletions, ${marked} customers marked, ${audits} audit events, ${jobs} jobs`;
    },
  },
  {
    action: "cancelDeletionAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/deletions/${w.undoable[0]}`,
    form: 'form[aria-label="Undo the deletion"]',
    prepare: async () => {
      for (let i = 0; i < 3; i++) {
        const c = await createManagedCustomer(SYSTEM, w.partner.customer.identifier, { name: `Undo ${i}`, identifier: unique(`undo${i}`) });
        const d = await requestCustomerDeletion(SYSTEM, w.partner.customer.identifier, { customers: [c.identifier] }, { confirmation: c.identifier });
        w.undoable.push(d.id);
      }
    },
    valid: () => ({ account: oneOf(w.partner.customer.identifier), deletionId: oneOf(...w.undoable, w.foreignDeletion.id) }),
    allow: (c, { before }) =>
      (is(c, "customer_deletions", "update") && w.undoable.includes(c.id) && only(c, "status", "cancelled_by")) ||
      (is(c, "customers", "update") &&
        only(c, "deleting_at", "deletion_id") &&
        w.undoable.includes(c.before!.deletion_id as string) &&
        c.after!.deletion_id === null &&
        before.rows.customers.has(c.id)) ||
      auditedFor(w.partner.customer.id)(c),
    consistent: ({ diff }) => {
      const undone = count(diff, "customer_deletions", "update");
      const back = count(diff, "customers", "update");
      const audits = count(diff, "audit_events", "insert");
      return undone <= 1 && back === undone && audits === undone ? null : `${undone} deletions undone, ${back} customers back, ${audits} audit events`;
    },
  },
  {
    action: "addMyselfAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers/${w.managed[0].identifier}/users`,
    form: 'input[name="customer"]',
    valid: () => ({ account: oneOf(w.partner.customer.identifier), customer: oneOf(...w.managed.map((m) => m.identifier)) }),
    allow: (c) => {
      const managed = w.managed.map((m) => m.id);
      return (
        ((is(c, "memberships", "insert") || (is(c, "memberships", "update") && only(c, "group"))) &&
          rowOf(c).user_id === w.partner.user.id &&
          managed.includes(rowOf(c).customer_id as string) &&
          c.after!.group === "customer_admin") ||
        auditedFor(w.partner.customer.id, ...managed)(c)
      );
    },
    consistent: ({ diff }) => {
      const joined = diff.filter((c) => c.table === "memberships").length;
      const audits = count(diff, "audit_events", "insert");
      return joined <= 1 && (audits === 0 || audits === 2) && (joined === 0 || audits === 2) ? null : `${joined} memberships with ${audits} audit events`;
    },
  },
  {
    action: "setQuotaAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers/${w.managed[0].identifier}/quota`,
    form: 'input[name="quota"]',
    valid: () => ({ account: oneOf(w.partner.customer.identifier), customer: oneOf(...w.managed.map((m) => m.identifier)), quota: aQuota }),
    allow: (c) =>
      (is(c, "customers", "update") && w.managed.some((m) => m.id === c.id) && only(c, "project_quota", "updated_at")) ||
      auditedFor(w.partner.customer.id, ...w.managed.map((m) => m.id))(c),
    consistent: ({ diff, after }) => {
      const changed = diff.filter((c) => is(c, "customers", "update"));
      const audits = count(diff, "audit_events", "insert");
      if (changed.length > 1 || audits !== 2 * changed.length) return `${changed.length} quotas with ${audits} audit events`;
      const c = changed[0];
      const used = c ? customersOf(after, c.id, "projects").length : 0;
      return c && (c.after!.project_quota as number) < used ? `quota ${c.after!.project_quota} below ${used} projects` : null;
    },
  },
  {
    action: "setSelfManagedAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers/${w.managed[1].identifier}/sub-customers`,
    form: 'form[aria-label="Self-managed"]',
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      customer: oneOf(...w.managed.map((m) => m.identifier)),
      selfManaged: oneOf("on", "off"),
    }),
    allow: (c) =>
      (is(c, "customers", "update") && w.managed.some((m) => m.id === c.id) && only(c, "self_managed", "updated_at")) ||
      auditedFor(w.partner.customer.id, ...w.managed.map((m) => m.id))(c),
    consistent: ({ diff, sent }) => {
      const changed = diff.filter((c) => is(c, "customers", "update"));
      const audits = count(diff, "audit_events", "insert");
      if (changed.length > 1 || audits !== 2 * changed.length) return `${changed.length} customers changed with ${audits} audit events`;
      const c = changed[0];
      return c && c.after!.self_managed !== (sent.get("selfManaged") === "on")
        ? `self_managed is ${c.after!.self_managed} after "${sent.get("selfManaged")}"`
        : null;
    },
  },
  {
    action: "updateCustomerDetailsAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers/${w.managed[0].identifier}/details`,
    form: 'form[aria-label="Customer details"]',
    valid: () => ({
      account: oneOf(...w.managed.map((m) => m.identifier)),
      name: aName,
      description: oneOf("Makes everything.", ""),
      contactEmail: fc.oneof({ weight: 3, arbitrary: oneOf("office@example.test", "") }, oneOf("not-an-address")),
      contactPhone: oneOf("+49 30 1234567", "(555) 0100", ""),
      country: oneOf("Germany", ""),
      state: oneOf("Berlin", ""),
      city: oneOf("Berlin", ""),
      postalCode: oneOf("10115", ""),
      addressLine1: oneOf("Hauptstraße 1", ""),
      addressLine2: oneOf("Hinterhaus", ""),
      homeProject: fc.oneof({ weight: 3, arbitrary: oneOf("", w.managedProject.id) }, oneOf(w.victimProject.id)),
    }),
    good: () => ({ account: w.managed[0].identifier, name: "Managed 1", contactEmail: "office@example.test", homeProject: w.managedProject.id }),
    allow: (c, { before }) => {
      // Any customer the partner manages, not only the two of the fixture: other forms create customers under it, and
      // a field posted twice may name one of them.
      const mine = (id: unknown) => typeof id === "string" && (id === w.partner.customer.id || below(before, id, w.partner.customer.id));
      const home = c.after?.home_project_id as string | null | undefined;
      return (
        (is(c, "customers", "update") &&
          mine(c.id) &&
          only(
            c,
            "name",
            "description",
            "contact_email",
            "contact_phone",
            "country",
            "state",
            "city",
            "postal_code",
            "address_line1",
            "address_line2",
            "home_project_id",
            "updated_at",
          ) &&
          (!home || customersOf(before, c.id, "projects").some((p) => p.id === home))) ||
        (is(c, "audit_events", "insert") && mine(rowOf(c).customer_id))
      );
    },
    consistent: ({ diff }) => {
      const changed = count(diff, "customers", "update");
      const audits = count(diff, "audit_events", "insert");
      const actions = inserted(diff, "audit_events").map((a) => `${a.action} on ${a.customer_id}`);
      return changed <= 1 && audits === 2 * changed ? null : `${changed} customers changed with ${audits} audit events: ${actions.join(", ")}`;
    },
  },
  {
    action: "updateCustomerUserAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers/${w.managed[0].identifier}/users`,
    form: 'form[aria-label^="Save "]:has(input[name="userId"])',
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      customer: oneOf(...w.managed.map((m) => m.identifier)),
      userId: fc.oneof({ weight: 3, arbitrary: oneOf(w.managedUsers[0].id, w.managedUsers[1].id) }, oneOf(w.managedUsers[2].id, w.victimEmployee.id)),
      name: aName,
      group: oneOf("customer_admin", "customer_employee", "customer_reader"),
    }),
    good: () => ({
      account: w.partner.customer.identifier,
      customer: w.managed[0].identifier,
      userId: w.managedUsers[0].id,
      name: "Mia Renamed",
      group: "customer_employee",
    }),
    allow: (c) =>
      (is(c, "users", "update") && [w.managedUsers[0].id, w.managedUsers[1].id].includes(c.id) && only(c, "name", "updated_at")) ||
      (is(c, "memberships", "update") && rowOf(c).customer_id === w.managed[0].id && only(c, "group")) ||
      auditedFor(w.managed[0].id)(c),
    consistent: ({ diff }) => {
      const renamed = count(diff, "users", "update");
      const regrouped = count(diff, "memberships", "update");
      const audits = count(diff, "audit_events", "insert");
      // Name and group together or not at all, each change audited once.
      return renamed <= 1 && regrouped <= 1 && audits === renamed + regrouped ? null : `${renamed} renamed, ${regrouped} regrouped, ${audits} audit events`;
    },
  },
  {
    action: "foldNoticePanelAction",
    jar: () => jars.recipient,
    path: () => `/${w.managed[0].identifier}/notices`,
    form: 'form:has(input[name="folded"])',
    prepare: async () => {
      // An open notice, so the panel (and its fold) is on the page whatever the other specs acknowledged.
      await sendNotice(as(w.partner.user), w.partner.customer.identifier, {
        title: "Fold me",
        body: "Open.",
        mode: "all_must_read",
        to: "customers",
        customers: [w.managed[0].identifier],
      });
    },
    valid: () => ({ folded: oneOf("0", "1") }),
    allow: (c) => is(c, "users", "update") && c.id === w.recipient.id && only(c, "notice_panel_folded"),
    consistent: ({ diff }) => (diff.length <= 1 ? null : `${diff.length} rows changed`),
  },
  {
    action: "dismissOperatorWelcomeAction",
    jar: () => jars.operator,
    path: () => "/profile",
    form: 'form[aria-label="Dismiss the operator note"]',
    valid: () => ({}),
    allow: (c) => is(c, "users", "update") && c.id === w.operator.id && only(c, "operator_welcomed_at"),
    consistent: ({ diff }) => (diff.length <= 1 ? null : `${diff.length} rows changed`),
  },
  {
    action: "deleteCustomerUserAction",
    jar: () => jars.partner,
    path: () => `/${w.partner.customer.identifier}/admin/customers/${w.managed[0].identifier}/users`,
    form: 'form[aria-label^="Delete user"]',
    prepare: async () => {
      // One who belongs to this customer alone (their user goes), one who also works for the victim (they stay there).
      for (const name of ["Dee Alone", "Dan Elsewhere"]) {
        const u = await newUser(name);
        await addMember(u.id, w.managed[0].id, "customer_employee");
        w.deletableUsers.push(u);
      }
      await addMember(w.deletableUsers[1].id, w.victim.customer.id, "customer_employee");
    },
    valid: () => ({
      account: oneOf(w.partner.customer.identifier),
      customer: oneOf(w.managed[0].identifier),
      userId: oneOf(...w.deletableUsers.map((u) => u.id), w.victimEmployee.id),
    }),
    allow: (c) => {
      const mine = w.deletableUsers.map((u) => u.id);
      return (
        (is(c, "memberships", "delete") && c.before!.customer_id === w.managed[0].id && mine.includes(c.before!.user_id as string)) ||
        (is(c, "users", "delete") && c.id === w.deletableUsers[0].id) ||
        (is(c, "project_access", "delete") && mine.includes(c.before!.user_id as string)) ||
        auditedFor(w.managed[0].id)(c)
      );
    },
    consistent: ({ diff }) => {
      const left = count(diff, "memberships", "delete");
      const audits = count(diff, "audit_events", "insert");
      const deleted = count(diff, "users", "delete");
      return left <= 1 && audits === left && deleted <= left ? null : `${left} people left with ${audits} audit events and ${deleted} users deleted`;
    },
  },
  // ---- a Customer Admin -----------------------------------------------------------------------------------------
  {
    action: "updateSettingsAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/settings`,
    form: 'input[name="taxId"]',
    valid: () => ({
      account: oneOf(w.acc),
      name: aName,
      taxId: oneOf("DE123456789", ""),
      billingStreet: oneOf("Hauptstraße 1", ""),
      billingPostalCode: oneOf("10115", ""),
      billingCity: oneOf("Berlin", ""),
      billingCountry: oneOf("Germany", ""),
      paymentMethod: oneOf("invoice", "sepa_debit"),
      sepaAccountHolder: aName,
      sepaIban: oneOf("DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "DE00 0000 0000"),
    }),
    good: () => ({ account: w.acc, name: "Acme", paymentMethod: "sepa_debit", sepaAccountHolder: "Acme GmbH", sepaIban: "DE89 3704 0044 0532 0130 00" }),
    allow: (c) =>
      (is(c, "customers", "update") &&
        c.id === w.admin.customer.id &&
        only(
          c,
          "name",
          "tax_id",
          "billing_street",
          "billing_postal_code",
          "billing_city",
          "billing_country",
          "payment_method",
          "sepa_account_holder",
          "sepa_iban",
          "updated_at",
        )) ||
      auditedFor(w.admin.customer.id)(c),
    consistent: ({ diff }) => {
      const changed = count(diff, "customers", "update");
      const audits = count(diff, "audit_events", "insert");
      return audits <= 1 && changed <= audits ? null : `${changed} changes with ${audits} audit events`;
    },
  },
  {
    action: "createProjectAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/projects`,
    form: 'form[aria-label="Create project"]',
    valid: () => ({ account: oneOf(w.acc), name: aName, identifier: fc.oneof(freshIdentifier, oneOf("web", "data")) }),
    good: () => ({ account: w.acc, name: "Portal", identifier: fc.sample(freshIdentifier, 1)[0] }),
    allow: (c, { diff }) => {
      const created = inserted(diff, "projects").map((p) => p.id);
      return (
        (is(c, "projects", "insert") && c.after!.customer_id === w.admin.customer.id) ||
        (is(c, "project_access", "insert") &&
          created.includes(c.after!.project_id) &&
          c.after!.user_id === w.admin.user.id &&
          c.after!.role === "project_admin") ||
        auditedFor(w.admin.customer.id)(c)
      );
    },
    consistent: ({ diff, after }) => {
      const p = count(diff, "projects", "insert");
      const a = count(diff, "project_access", "insert");
      if (p > 1 || p !== a || count(diff, "audit_events", "insert") !== p)
        return `${p} projects, ${a} access rows, ${count(diff, "audit_events", "insert")} audit events`;
      const used = customersOf(after, w.admin.customer.id, "projects").length;
      const quota = after.rows.customers.get(w.admin.customer.id)!.project_quota as number;
      return used > quota ? `${used} projects over a quota of ${quota}` : null;
    },
  },
  {
    action: "setProjectAccessAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/projects/${w.projects[0].identifier}`,
    form: 'form[aria-label="Give access"]',
    valid: () => ({
      account: oneOf(w.acc),
      projectId: oneOf(...w.projects.map((p) => p.id)),
      userId: oneOf(w.e1.id, w.e2.id, w.admin.user.id, w.victimEmployee.id),
      role: oneOf("project_admin", "project_user", "project_reader", "none"),
    }),
    allow: (c, { before }) => {
      const projects = customersOf(before, w.admin.customer.id, "projects").map((p) => p.id);
      const members = customersOf(before, w.admin.customer.id, "memberships").map((m) => m.user_id);
      return (
        (c.table === "project_access" &&
          (c.op !== "update" || only(c, "role")) &&
          projects.includes(rowOf(c).project_id) &&
          members.includes(rowOf(c).user_id)) ||
        auditedFor(w.admin.customer.id)(c)
      );
    },
    consistent: ({ diff }) => {
      const changed = diff.filter((c) => c.table === "project_access").length;
      const audits = count(diff, "audit_events", "insert");
      return changed <= 1 && audits === changed ? null : `${changed} access changes with ${audits} audit events`;
    },
  },
  {
    action: "renameProjectAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/projects/${w.projects[0].identifier}`,
    form: 'form[aria-label="Rename the project"]',
    valid: () => ({ account: oneOf(w.acc), project: oneOf(w.projects[0].identifier, w.projects[1].identifier), name: aName }),
    allow: (c, { before }) => {
      const own = customersOf(before, w.admin.customer.id, "projects").map((p) => p.id);
      return (is(c, "projects", "update") && own.includes(c.id) && only(c, "name")) || auditedFor(w.admin.customer.id)(c);
    },
    consistent: ({ diff }) => {
      const renamed = count(diff, "projects", "update");
      const audits = count(diff, "audit_events", "insert");
      return renamed <= 1 && audits === renamed ? null : `${renamed} projects renamed with ${audits} audit events`;
    },
  },
  {
    action: "deleteProjectAction",
    jar: () => jars.admin,
    // A project of its own, made before the run: the first post that passes deletes it, the rest find nothing.
    prepare: async () => {
      await rawSql()`update customers set project_quota = project_quota + 1 where id = ${w.admin.customer.id}`;
      doomed = await createProject(SYSTEM, w.acc, { name: "Doomed", identifier: unique("doomed") });
    },
    path: () => `/${w.acc}/projects/${doomed!.identifier}`,
    form: 'form[aria-label="Delete the project"]',
    valid: () => ({ account: oneOf(w.acc), project: oneOf(doomed!.identifier) }),
    // The form names a project by identifier, so a hostile value may name another of the account's own projects (one
    // the creation fuzz made, say with a foreign account's identifier as its own): deleting that is the admin's right.
    allow: (c, { before }) => {
      const own = customersOf(before, w.admin.customer.id, "projects").map((p) => p.id);
      return (
        (is(c, "projects", "delete") && own.includes(c.id)) ||
        (is(c, "project_access", "delete") && own.includes(c.before!.project_id as string)) ||
        auditedFor(w.admin.customer.id)(c)
      );
    },
    consistent: ({ diff, after }) => {
      const gone = count(diff, "projects", "delete");
      const audits = count(diff, "audit_events", "insert");
      if (gone !== audits) return `${gone} projects deleted with ${audits} audit events`;
      if (gone > 1) return `${gone} projects deleted by one post`;
      const goneIds = diff.filter((c) => is(c, "projects", "delete")).map((c) => c.id);
      const left = [...after.rows.project_access.values()].filter((a) => goneIds.includes(a.project_id as string)).length;
      return left ? `the project went but ${left} access rows stayed` : null;
    },
  },
  {
    action: "inviteMemberAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/users`,
    form: 'form[aria-label="Invite a person"]',
    valid: () => ({
      account: oneOf(w.acc),
      fullName: aName,
      email: fc.oneof({ weight: 4, arbitrary: freshEmail }, oneOf(w.e1.email, w.victim.user.email)),
      group: fc.oneof({ weight: 4, arbitrary: oneOf("customer_admin", "customer_employee") }, oneOf("customer_reader", "partner_admin", "partner_employee")),
    }),
    good: () => ({ account: w.acc, fullName: "Ines Invitee", email: fc.sample(freshEmail, 1)[0], group: "customer_employee" }),
    allow: (c) =>
      (is(c, "invitations", "insert") &&
        c.after!.customer_id === w.admin.customer.id &&
        c.after!.invited_by === w.admin.user.id &&
        CUSTOMER_GROUPS.includes(c.after!.group as string)) ||
      mailRows(c) ||
      auditedFor(w.admin.customer.id)(c),
    consistent: ({ diff, sent }) => {
      const inv = inserted(diff, "invitations");
      if (inv.length > 1) return "two invitations";
      const bad = mailsPaired(diff, inv.length) ?? (count(diff, "audit_events", "insert") === inv.length ? null : "audit events don't match");
      if (bad || !inv[0]) return bad;
      if (inserted(diff, "outbound_emails")[0].invitation_id !== inv[0].id) return "the e-mail is for another invitation";
      return inv[0].email === sent.get("email")?.trim().toLowerCase() ? null : `invited ${inv[0].email}`;
    },
  },
  {
    action: "inviteListAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/users`,
    form: 'form[aria-label="Invite a list of people"]',
    valid: () => ({
      account: oneOf(w.acc),
      people: fc
        .array(
          fc.tuple(aName, fc.oneof({ weight: 4, arbitrary: freshEmail }, oneOf(w.e1.email, w.victim.user.email))).map(([n, e]) => `${n} <${e}>`),
          { minLength: 1, maxLength: 4 },
        )
        .map((lines) => lines.join("\n")),
      group: fc.oneof({ weight: 4, arbitrary: oneOf("customer_admin", "customer_employee") }, oneOf("customer_reader", "partner_admin")),
      intent: oneOf("check", "invite"),
    }),
    good: () => ({ account: w.acc, people: `Lia List <${fc.sample(freshEmail, 1)[0]}>`, group: "customer_employee", intent: "invite" }),
    allow: (c) =>
      (is(c, "invitations", "insert") &&
        c.after!.customer_id === w.admin.customer.id &&
        c.after!.invited_by === w.admin.user.id &&
        CUSTOMER_GROUPS.includes(c.after!.group as string)) ||
      mailRows(c) ||
      auditedFor(w.admin.customer.id)(c),
    consistent: ({ diff, sent }) => {
      const inv = inserted(diff, "invitations");
      if (sent.get("intent") === "check" && diff.length > 0) return "a check wrote something";
      // All of the list or none of it, each invitation with its e-mail and audit event.
      const lines = (sent.get("people") ?? "").split("\n").filter((l) => l.trim()).length;
      if (inv.length !== 0 && inv.length !== lines) return `${inv.length} of ${lines} lines invited`;
      return mailsPaired(diff, inv.length) ?? (count(diff, "audit_events", "insert") === inv.length ? null : "audit events don't match");
    },
  },
  {
    action: "resendInvitationAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/users`,
    form: 'form:has(input[name="invitationId"]):has(button[aria-label^="Resend"])',
    valid: () => ({ account: oneOf(w.acc), invitationId: oneOf(w.invites[0].id, w.invites[1].id, w.victimInvite.invitation.id) }),
    allow: (c) =>
      (is(c, "invitations", "update") &&
        c.before!.customer_id === w.admin.customer.id &&
        !c.before!.accepted_at &&
        only(c, "token_hash", "sent_at", "expires_at")) ||
      mailRows(c) ||
      auditedFor(w.admin.customer.id)(c),
    consistent: ({ diff }) => {
      const resent = diff.filter((c) => is(c, "invitations", "update"));
      if (resent.length > 1) return "two invitations resent";
      const bad = mailsPaired(diff, resent.length) ?? (count(diff, "audit_events", "insert") === resent.length ? null : "audit events don't match");
      if (bad || !resent[0]) return bad;
      if (!resent[0].cols.includes("token_hash")) return "resent with the old link";
      return inserted(diff, "outbound_emails")[0].invitation_id === resent[0].id ? null : "the e-mail is for another invitation";
    },
  },
  {
    action: "revokeInvitationAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/users`,
    form: 'form:has(input[name="invitationId"]):not(:has(button[aria-label^="Resend"]))',
    valid: () => ({ account: oneOf(w.acc), invitationId: oneOf(w.invites[2].id, w.invites[3].id, w.victimInvite.invitation.id) }),
    allow: (c, { diff }) => {
      const revoked = diff.filter((d) => is(d, "invitations", "delete")).map((d) => d.id);
      return (
        (is(c, "invitations", "delete") && c.before!.customer_id === w.admin.customer.id && !c.before!.accepted_at) ||
        (is(c, "outbound_emails", "update") &&
          only(c, "invitation_id") &&
          revoked.includes(c.before!.invitation_id as string) &&
          c.after!.invitation_id === null) ||
        auditedFor(w.admin.customer.id)(c)
      );
    },
    consistent: ({ diff }) => {
      const revoked = count(diff, "invitations", "delete");
      const audits = count(diff, "audit_events", "insert");
      return revoked <= 1 && audits === revoked ? null : `${revoked} invitations revoked with ${audits} audit events`;
    },
  },
  {
    action: "changeMemberGroupAction",
    jar: () => jars.admin,
    path: () => `/${w.acc}/users`,
    form: 'form:has(select[name="group"]):has(input[name="userId"])',
    valid: () => ({
      account: oneOf(w.acc),
      userId: fc.oneof({ weight: 3, arbitrary: oneOf(w.e1.id, w.e2.id) }, oneOf(w.admin.user.id, w.victimEmployee.id)),
      group: fc.oneof({ weight: 3, arbitrary: oneOf("customer_admin", "customer_employee") }, oneOf("customer_reader", "partner_admin", "partner_employee")),
    }),
    allow: (c) =>
      (is(c, "memberships", "update") &&
        c.before!.customer_id === w.admin.customer.id &&
        only(c, "group") &&
        CUSTOMER_GROUPS.includes(c.after!.group as string)) ||
      auditedFor(w.admin.customer.id)(c),
    consistent: ({ diff, after }) => {
      const changed = count(diff, "memberships", "update");
      const audits = count(diff, "audit_events", "insert");
      if (changed > 1 || audits !== changed) return `${changed} groups changed with ${audits} audit events`;
      return admins(after, w.admin.customer.id) >= 1 ? null : "the account has no admin left";
    },
  },
  {
    action: "removeMemberAction",
    jar: () => jars.remover,
    path: () => `/${w.remover.customer.identifier}/users`,
    form: 'form:has(input[name="userId"]):not(:has(select))',
    valid: () => ({
      account: oneOf(w.remover.customer.identifier),
      userId: oneOf(...w.removable.map((u) => u.id), w.remover.user.id, w.victimEmployee.id),
    }),
    allow: (c, { diff, before }) => {
      const account = w.remover.customer.id;
      const removed = diff.filter((d) => is(d, "memberships", "delete")).map((d) => d.before!.user_id);
      const projects = customersOf(before, account, "projects").map((p) => p.id);
      return (
        (is(c, "memberships", "delete") && c.before!.customer_id === account) ||
        (is(c, "project_access", "delete") && projects.includes(c.before!.project_id) && removed.includes(c.before!.user_id)) ||
        auditedFor(account)(c)
      );
    },
    consistent: ({ diff, after }) => {
      const removed = count(diff, "memberships", "delete");
      const audits = count(diff, "audit_events", "insert");
      if (removed > 1 || audits !== removed) return `${removed} members removed with ${audits} audit events`;
      return admins(after, w.remover.customer.id) >= 1 ? null : "the account has no admin left";
    },
  },
];

// ---- the run ------------------------------------------------------------------------------------------------------

type Tally = { action: string; inputs: number; wrote: number; "5xx": number; problems: number; "posted as": string };
const tally: Tally[] = [];
/** Each fuzzed form's page and action fields, for the last property. */
const seen: { name: string; path: string; jar: () => Jar; action: [string, string][]; actionId: string }[] = [];
const ids = actionIds();
const started = Date.now();

beforeAll(async () => {
  w = await buildWorld();
  parser = await (await browser().newContext()).newPage();
  const b = browser();
  // Sign-ins run one after another: each hashes a password, and the machine has two cores.
  jars.operator = await signIn(b, w.operator.email);
  jars.profile = await signIn(b, w.profile.user.email);
  jars.partner = await signIn(b, w.partner.user.email);
  jars.admin = await signIn(b, w.admin.user.email);
  jars.remover = await signIn(b, w.remover.user.email);
  jars.invitee = await signIn(b, w.invitee.email);
  jars.strandedCreator = await signIn(b, w.strandedCreator.email);
  jars.strandedInvitee = await signIn(b, w.strandedInvitee.email);
  jars.leaver = await signIn(b, w.leaver.email);
  jars.quitter = await signIn(b, w.quitter.email);
  jars.recipient = await signIn(b, w.recipient.email);
}, 300_000);

afterAll(async () => {
  console.log(`server actions fuzzed: ${tally.length}, inputs: ${tally.reduce((n, t) => n + t.inputs, 0)}, in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.table(tally);
  // The e-mails made to fail on purpose would stay in the operators' list of undelivered e-mails for later test files.
  await rawSql()`delete from outbound_emails where template = 'fuzz-unknown-template'`;
  await closeDb();
});

/** Runs the spec's property and returns one line per distinct problem, with the first input that showed it. */
async function fuzz(spec: Spec): Promise<string[]> {
  await spec.prepare?.();
  const path = spec.path();
  const actionId = ids.get(spec.action);
  expect(actionId, `${spec.action} is not in the build's server-reference manifest`).toBeTruthy();
  const { action, fields: rendered } = await formOf(spec.jar(), path, spec.form);
  // A form whose action React wraps in a client function renders no $ACTION fields: only its script can post it.
  const noJs = action.some(([k]) => k.startsWith("$ACTION_"));
  seen.push({ name: spec.action, path, jar: spec.jar, action, actionId: actionId! });
  const valid = spec.valid();
  const fields = [...new Set([...rendered, ...Object.keys(valid)])];
  const row: Tally = { action: spec.action, inputs: 0, wrote: 0, "5xx": 0, problems: 0, "posted as": noJs ? "form + js" : "js (no no-JS form)" };
  tally.push(row);
  const problems = new Map<string, string[]>();
  let before = await snapshot();

  const examples = examplesFor(fields, valid, spec.good).map((e) => [e] as [Input]);
  await fc.assert(
    fc.asyncProperty(inputFor(fields, valid), async (input) => {
      const { entries, sent, posted } = entriesFor(fields, input);
      const jar = spec.jar();
      const via = noJs ? input.via : "js";
      const res = via === "form" ? await post(jar, path, [...action, ...entries]) : await postJs(jar, path, actionId!, entries);
      const { after, diff } = await observe(before);
      if (process.env.FUZZ_DEBUG)
        console.log(
          spec.action,
          via,
          res.status,
          res.location,
          diff.map((c) => `${c.op} ${c.table} ${c.id}${c.table === "audit_events" ? ` #tx ${c.after!.tx} ${c.after!.created_at}` : ""}`).join("; "),
          new Date().toISOString(),
          (
            res.text.match(/role="(alert|status)"[^>]*>[^<]{0,200}|data-field-error="[^"]*"[^>]*>[^<]{0,200}|"(error|message)":"[^"]{0,200}"/g) ?? [
              JSON.stringify(res.text.slice(0, 200)),
            ]
          ).join(" | "),
          showEntries(entries).slice(0, 300),
        );
      const ctx: Ctx = { diff, sent, posted, after, before, res };
      row.inputs++;
      if (diff.length) row.wrote++;
      if (res.status >= 500) row["5xx"]++;
      const found = [
        ...crashes(res),
        ...diff.filter((c) => !spec.allow(c, ctx)).map((c) => `a change the form does not own: ${describeChange(c)}`),
        ...[spec.consistent?.(ctx)].filter((m): m is string => Boolean(m)).map((m) => `partial or inconsistent write: ${m}`),
      ];
      for (const p of found) {
        row.problems++;
        const kind = p.replace(/[0-9a-f-]{36}/g, "<id>").slice(0, 160);
        const seenBefore = problems.get(kind) ?? [];
        // Up to three inputs per kind of problem: enough to see which fields it takes.
        if (seenBefore.length < 3)
          seenBefore.push(`    POST ${path} (${via}) → ${res.status}${res.location ? ` (${res.location})` : ""}: ${showEntries(entries)}`);
        problems.set(kind, seenBefore);
      }
      spec.afterPost?.(ctx);
      before = after;
    }),
    { numRuns: (spec.runs ?? RUNS) + examples.length, examples, seed: SEED, endOnFailure: true },
  );
  return [...problems].map(([kind, inputs]) => `${kind}\n${inputs.join("\n")}`);
}

it("has a property for every server action of the build", () => {
  expect([...ids.keys()].sort()).toEqual(specs.map((s) => s.action).sort());
});

for (const spec of specs) {
  it(`${spec.action}: hostile input gives no 5xx, no partial write and no change outside the form`, async () => {
    const problems = await fuzz(spec);
    expect(problems, `${spec.action}:\n  ${problems.join("\n  ")}`).toEqual([]);
  }, 300_000);
}

/** Runs `send` for RUNS inputs of `arb`, checking each answer and that nothing at all was written. */
async function fuzzRequests<T>(label: string, arb: fc.Arbitrary<T>, send: (input: T) => Promise<{ res: Answer; what: string }>): Promise<string[]> {
  const row: Tally = { action: label, inputs: 0, wrote: 0, "5xx": 0, problems: 0, "posted as": "form + js" };
  tally.push(row);
  const problems = new Map<string, string[]>();
  let before = await snapshot();
  await fc.assert(
    fc.asyncProperty(arb, async (input) => {
      const { res, what } = await send(input);
      const { after, diff } = await observe(before);
      before = after;
      row.inputs++;
      if (diff.length) row.wrote++;
      if (res.status >= 500) row["5xx"]++;
      for (const p of [...crashes(res), ...diff.map((c) => `a write: ${describeChange(c)}`)]) {
        row.problems++;
        const kind = p.replace(/[0-9a-f-]{36}/g, "<id>").slice(0, 160);
        const inputs = problems.get(kind) ?? [];
        if (inputs.length < 5) inputs.push(`    ${what} → ${res.status}`);
        problems.set(kind, inputs);
      }
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: true },
  );
  return [...problems].map(([kind, inputs]) => `${kind}\n${inputs.join("\n")}`);
}

const junkFields = () =>
  fc.uniqueArray(fc.tuple(fc.constantFrom("x", "kind", "is_operator", "parent_id", "project_quota", "$ACTION_KEY"), hostile()), {
    maxLength: 3,
    selector: ([k]) => k,
  });

it("answers made-up, stale and other pages' action ids without a 5xx, and changes nothing", async () => {
  const pages = seen;
  expect(pages.length).toBeGreaterThan(0);
  const ways = ["made-up field", "made-up header", "made-up bound action", "other page's form", "other page's action id"] as const;
  const arb = fc.tuple(fc.nat(pages.length - 1), fc.nat(pages.length - 1), fc.constantFrom(...ways), fc.stringMatching(/^[0-9a-f]{40,42}$/), junkFields());
  const problems = await fuzzRequests("(made-up, stale or other page's action id)", arb, async ([at, from, how, id, extra]) => {
    const page = pages[at];
    // Signed out for another page's real action: found or not, with nothing it would accept it must write nothing.
    const jar = how.startsWith("other") ? ANON() : page.jar();
    const bound: Entry[] = [
      ["$ACTION_REF_1", ""],
      ["$ACTION_1:0", JSON.stringify({ id, bound: "$@1" })],
      ["$ACTION_1:1", "[{}]"],
      ["$ACTION_KEY", "k0"],
    ];
    const res =
      how === "made-up field"
        ? await post(jar, page.path, [[`$ACTION_ID_${id}`, ""], ...extra])
        : how === "made-up header"
          ? await postJs(jar, page.path, id, extra)
          : how === "made-up bound action"
            ? await post(jar, page.path, [...bound, ...extra])
            : how === "other page's form"
              ? await post(jar, page.path, [...pages[from].action, ...extra])
              : await postJs(jar, page.path, pages[from].actionId, extra);
    return { res, what: `POST ${page.path} (${how}, ${how.startsWith("other") ? pages[from].name : id}): ${showEntries(extra)}` };
  });
  expect(problems, problems.join("\n")).toEqual([]);
}, 300_000);

it("answers an action called with other arguments than (state, form) without a 5xx, and changes nothing", async () => {
  const pages = seen;
  // What a script could send instead of the previous state and the form: other types, other arities (never the form
  // as second argument, so no action may get as far as writing).
  const shapes: unknown[] = [
    [{}, { account: "x", kind: "partner" }],
    [{}, null],
    [{}, 42],
    [{}, "text"],
    [{}, ["a", "b"]],
    [{}],
    [],
    ["$K1"],
    { 0: {}, 1: "$K1" },
  ];
  const arb = fc.tuple(fc.nat(pages.length - 1), fc.constantFrom(...shapes), junkFields());
  const problems = await fuzzRequests("(other argument types, via the JS protocol)", arb, async ([at, args, extra]) => {
    const page = pages[at];
    const res = await postJs(page.jar(), page.path, page.actionId, extra, JSON.stringify(args));
    return { res, what: `POST ${page.path} (${page.name} via Next-Action, arguments ${JSON.stringify(args)}): ${showEntries(extra)}` };
  });
  expect(problems, problems.join("\n")).toEqual([]);
}, 300_000);
