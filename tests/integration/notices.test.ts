// Notices: the exact semantics of All must read and Single read only (concurrency included), who receives what while
// people join and leave, the window a notice is shown in, the sender's boundaries and the tracking numbers.
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { AppError, ForbiddenError, LAST_PAGE, NotFoundError } from "@/lib/core";
import { createCustomerGroup } from "@/lib/customer-groups";
import {
  acknowledgeNotice,
  editNotice,
  exportNoticeTracking,
  getNoticeTracking,
  listMyNotices,
  listNotices,
  listOpenNotices,
  previewNotice,
  remindNotice,
  sendNotice,
  withdrawNotice,
  type NoticeInput,
} from "@/lib/notices";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { addMember, as, newAccount, newUser, SYSTEM, unique } from "../support/factories";

afterAll(closeDb);

type Person = ReturnType<typeof as>;

async function newPartner() {
  const account = await newAccount({ fullName: "Nora Notices" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  return { admin: as(account.user), partner: partner.identifier, partnerId: partner.id };
}

async function customerWith(p: Awaited<ReturnType<typeof newPartner>>, people: number, extra: { parent?: string; groups?: string[] } = {}) {
  const customer = await createManagedCustomer(p.admin, p.partner, { name: `Customer ${unique()}`, identifier: unique("nc"), ...extra });
  const users: Person[] = [];
  for (let i = 0; i < people; i++) {
    const u = await newUser(`Person ${i}`);
    await addMember(u.id, customer.id, i === 0 ? "customer_admin" : "customer_employee");
    users.push(as(u));
  }
  return { customer, users, identifier: customer.identifier };
}

const notice = (over: Partial<NoticeInput> = {}): NoticeInput => ({
  title: "Maintenance on Friday",
  body: "Please **save** your work.",
  mode: "all_must_read",
  to: "customers",
  customers: [],
  ...over,
});

const open = async (who: Person, account: string) => (await listOpenNotices(who, account)).map((n) => n.id);
const count = async (q: ReturnType<typeof sql>) => ((await db.execute(q)) as unknown as { n: number }[])[0].n;
const tracking = (p: Awaited<ReturnType<typeof newPartner>>, id: string) => getNoticeTracking(p.admin, p.partner, id);

describe("paging the sender's and the recipient's lists", () => {
  it("walks the tracking's customers and open people by keyset, both ways and from the end, each list on its own", async () => {
    const p = await newPartner();
    const cs = [];
    for (let i = 0; i < 5; i++) cs.push(await customerWith(p, 2));
    const sent = await sendNotice(p.admin, p.partner, notice({ customers: cs.map((c) => c.identifier) }));
    await acknowledgeNotice(cs[0].users[0], cs[0].identifier, sent.id);
    const byName = [...cs].sort((a, b) => a.customer.name.toLowerCase().localeCompare(b.customer.name.toLowerCase())).map((c) => c.identifier);
    const page = (customers: { after?: string | null; before?: string | null }, people: { after?: string | null; before?: string | null } = {}) =>
      getNoticeTracking(p.admin, p.partner, sent.id, { customers: { limit: 2, ...customers }, people: { limit: 4, ...people } });

    const first = await page({});
    const second = await page({ after: first.customers.next });
    const third = await page({ after: second.customers.next });
    expect([first, second, third].flatMap((t) => t.customers.rows.map((c) => c.identifier))).toEqual(byName);
    expect([first.customers.prev, third.customers.next]).toEqual([null, null]);
    const last = await page({ before: LAST_PAGE });
    expect(last.customers.rows.map((c) => c.identifier)).toEqual(byName.slice(3));
    expect((await page({ before: last.customers.prev })).customers.rows.map((c) => c.identifier)).toEqual(byName.slice(1, 3));

    // Nine people are still open (ten, one acknowledged): pages of 4, 4 and 1, in (customer, person) order, whatever
    // page the customers are on.
    const people1 = await page({ after: first.customers.next });
    const people2 = await page({}, { after: people1.openPeople.next });
    const people3 = await page({}, { after: people2.openPeople.next });
    const open = [people1, people2, people3].flatMap((t) => t.openPeople.rows.map((x) => x.user_id));
    expect(open).toHaveLength(9);
    expect(new Set(open).size).toBe(9);
    expect(open).not.toContain(cs[0].users[0].userId);
    expect(people3.openPeople.next).toBeNull();
    expect((await page({}, { before: LAST_PAGE })).openPeople.rows.map((x) => x.user_id)).toEqual(open.slice(5));
  });

  it("pages the sender's notices newest first and a recipient's notices open first", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 1);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sendNotice(p.admin, p.partner, notice({ title: `Notice ${i}`, customers: [c.identifier] }))).id);
    const n1 = await listNotices(p.admin, p.partner, { limit: 2 });
    const n2 = await listNotices(p.admin, p.partner, { limit: 2, after: n1.next });
    const n3 = await listNotices(p.admin, p.partner, { limit: 2, after: n2.next });
    expect([n1, n2, n3].flatMap((x) => x.rows.map((r) => r.id))).toEqual([...ids].reverse());
    expect((await listNotices(p.admin, p.partner, { limit: 2, before: n3.prev })).rows.map((r) => r.id)).toEqual(n2.rows.map((r) => r.id));

    // The reader acknowledges the newest two: the three still open come first (newest first), then those two.
    const [reader] = c.users;
    await acknowledgeNotice(reader, c.identifier, ids[4]);
    await acknowledgeNotice(reader, c.identifier, ids[3]);
    const m1 = await listMyNotices(reader, c.identifier, { limit: 2 });
    const m2 = await listMyNotices(reader, c.identifier, { limit: 2, after: m1.next });
    const m3 = await listMyNotices(reader, c.identifier, { limit: 2, after: m2.next });
    expect([m1, m2, m3].flatMap((x) => x.rows.map((r) => r.id))).toEqual([ids[2], ids[1], ids[0], ids[4], ids[3]]);
    expect(m3.next).toBeNull();
    expect((await listMyNotices(reader, c.identifier, { limit: 2, before: m3.prev })).rows.map((r) => r.id)).toEqual(m2.rows.map((r) => r.id));
  });
});

describe("notices", () => {
  it("All must read: every recipient acknowledges; twice changes nothing; the progress follows", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 2);
    const preview = await previewNotice(p.admin, p.partner, notice({ customers: [c.identifier] }));
    expect(preview).toMatchObject({ customers: 1, people: 2 });
    const sent = await sendNotice(p.admin, p.partner, notice({ customers: [c.identifier] }));
    expect(sent.customers).toBe(1);
    const [a, b] = c.users;
    expect(await open(a, c.identifier)).toEqual([sent.id]);
    expect(await open(b, c.identifier)).toEqual([sent.id]);
    expect((await tracking(p, sent.id)).notice.progress).toEqual({ expected: 2, acknowledged: 0 });

    expect((await acknowledgeNotice(a, c.identifier, sent.id)).acknowledged).toBe(true);
    expect(await open(a, c.identifier)).toEqual([]);
    expect(await open(b, c.identifier)).toEqual([sent.id]);
    const again = await acknowledgeNotice(a, c.identifier, sent.id);
    expect(again.acknowledged).toBe(false);
    expect(await count(sql`select count(*)::int as n from notice_acknowledgements where notice_id = ${sent.id}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_events where target_id = ${sent.id} and action = 'notice.acknowledged'`)).toBe(1);
    const t = await tracking(p, sent.id);
    expect(t.notice.progress).toEqual({ expected: 2, acknowledged: 1 });
    expect(t.openPeople.rows.map((x) => x.user_id)).toEqual([b.userId]);

    await acknowledgeNotice(b, c.identifier, sent.id);
    expect((await tracking(p, sent.id)).notice.progress).toEqual({ expected: 2, acknowledged: 2 });
    // The notice centre keeps them, acknowledged.
    const mine = await listMyNotices(b, c.identifier);
    expect(mine.rows.map((r) => [r.id, r.acknowledged_by_me])).toEqual([[sent.id, true]]);
    // The acknowledgements asked the worker to check for completion, in their own transactions: one check per time slot
    // (two acknowledgements a moment apart fall in one slot, or at most two), each with its job's intent in the outbox.
    const checks = await count(sql`select count(*)::int as n from notice_work where notice_id = ${sent.id} and kind = 'check'`);
    expect(checks).toBeGreaterThanOrEqual(1);
    expect(checks).toBeLessThanOrEqual(2);
    expect(
      await count(sql`select count(*)::int as n from notice_work w join outbox o on o.payload->>'workId' = w.id::text where w.notice_id = ${sent.id}`),
    ).toBe(checks + 1);
  });

  it("Single read only: 50 concurrent acknowledgements record exactly one, all answered without error; other customers unaffected", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 50);
    const other = await customerWith(p, 2);
    const sent = await sendNotice(p.admin, p.partner, notice({ mode: "single_read_only", customers: [c.identifier, other.identifier] }));
    const results = await Promise.allSettled(c.users.map((u) => acknowledgeNotice(u, c.identifier, sent.id)));
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const answers = results.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof acknowledgeNotice>>>).value);
    expect(answers.filter((r) => r.acknowledged)).toHaveLength(1);
    const winner = answers.find((r) => r.acknowledged)!.by!.userId;
    // The others learn who closed it.
    for (const r of answers.filter((x) => !x.acknowledged)) expect(r.by?.userId).toBe(winner);
    const rows = (await db.execute(sql`select user_id from notice_acknowledgements where notice_id = ${sent.id}`)) as unknown as { user_id: string }[];
    expect(rows.map((r) => r.user_id)).toEqual([winner]);
    for (const u of c.users) expect(await open(u, c.identifier)).toEqual([]);
    for (const u of other.users) expect(await open(u, other.identifier)).toEqual([sent.id]);
    const t = await tracking(p, sent.id);
    expect(t.notice.progress).toEqual({ expected: 2, acknowledged: 1 });
    const closed = t.customers.rows.find((x) => x.identifier === c.identifier)!;
    expect(closed.closed_by_email).toBe(c.users.find((u) => u.userId === winner)!.email);
    expect(t.customers.rows.find((x) => x.identifier === other.identifier)!.closed_at).toBeNull();
  });

  it("a joiner receives an active notice; a removed person no longer sees it nor counts as open", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 2);
    const sent = await sendNotice(p.admin, p.partner, notice({ customers: [c.identifier] }));
    const joiner = await newUser("Jo Joiner");
    await addMember(joiner.id, c.customer.id, "customer_reader");
    expect(await open(as(joiner), c.identifier)).toEqual([sent.id]);
    expect((await tracking(p, sent.id)).notice.progress).toEqual({ expected: 3, acknowledged: 0 });
    // A Customer Reader acknowledges too: it only reads.
    expect((await acknowledgeNotice(as(joiner), c.identifier, sent.id)).acknowledged).toBe(true);

    const leaver = c.users[1];
    await db.execute(sql`delete from memberships where user_id = ${leaver.userId} and customer_id = ${c.customer.id}`);
    await expect(listOpenNotices(leaver, c.identifier)).rejects.toBeInstanceOf(NotFoundError);
    const t = await tracking(p, sent.id);
    expect(t.notice.progress).toEqual({ expected: 2, acknowledged: 1 });
    expect(t.openPeople.rows.map((x) => x.user_id)).toEqual([c.users[0].userId]);
  });

  it("refuses a sender addressing another partner's customer, and writes nothing", async () => {
    const p = await newPartner();
    const mine = await customerWith(p, 1);
    const p2 = await newPartner();
    const theirs = await customerWith(p2, 1);
    const before = await count(sql`select count(*)::int as n from notices`);
    const outbox = await count(sql`select count(*)::int as n from outbox`);
    await expect(sendNotice(p.admin, p.partner, notice({ customers: [mine.identifier, theirs.identifier] }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(sendNotice(p.admin, p2.partner, notice({ customers: [theirs.identifier] }))).rejects.toBeInstanceOf(AppError);
    await expect(previewNotice(p.admin, p.partner, notice({ customers: [theirs.identifier] }))).rejects.toBeInstanceOf(NotFoundError);
    const foreignGroup = await createCustomerGroup(p2.admin, p2.partner, { name: "Theirs" });
    await expect(sendNotice(p.admin, p.partner, notice({ to: "groups", groups: [foreignGroup.id] }))).rejects.toBeInstanceOf(NotFoundError);
    expect(await count(sql`select count(*)::int as n from notices`)).toBe(before);
    expect(await count(sql`select count(*)::int as n from outbox`)).toBe(outbox);
    expect(await open(theirs.users[0], theirs.identifier)).toEqual([]);
  });

  it("refuses acknowledging a notice that is not yours", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 2);
    const untargeted = await customerWith(p, 1);
    const sent = await sendNotice(p.admin, p.partner, notice({ customers: [c.identifier], audience: "admins" }));
    const [admin, employee] = c.users;
    expect(await open(admin, c.identifier)).toEqual([sent.id]);
    expect(await open(employee, c.identifier)).toEqual([]);
    // Outside the audience, in a customer it doesn't address, or in an account one isn't a member of: refused, nothing written.
    await expect(acknowledgeNotice(employee, c.identifier, sent.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(acknowledgeNotice(untargeted.users[0], untargeted.identifier, sent.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(acknowledgeNotice(untargeted.users[0], c.identifier, sent.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(acknowledgeNotice(SYSTEM, c.identifier, sent.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(acknowledgeNotice(employee, c.identifier, "not-a-uuid")).rejects.toBeInstanceOf(NotFoundError);
    expect(await count(sql`select count(*)::int as n from notice_acknowledgements where notice_id = ${sent.id}`)).toBe(0);
    expect((await tracking(p, sent.id)).notice.progress).toEqual({ expected: 1, acknowledged: 0 });
  });

  it("shows a notice only between its start and its expiry, and never once withdrawn", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 1);
    const [u] = c.users;
    const later = await sendNotice(p.admin, p.partner, notice({ customers: [c.identifier], startsAt: new Date(Date.now() + 3600_000) }));
    const now = await sendNotice(p.admin, p.partner, notice({ customers: [c.identifier], title: "Now" }));
    expect(await open(u, c.identifier)).toEqual([now.id]);
    await expect(acknowledgeNotice(u, c.identifier, later.id)).rejects.toBeInstanceOf(NotFoundError);
    await db.execute(sql`update notices set starts_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' where id = ${later.id}`);
    await db.execute(
      sql`update notice_targets set live_from = now() - interval '2 hours', live_until = now() - interval '1 hour' where notice_id = ${later.id}`,
    );
    expect(await open(u, c.identifier)).toEqual([now.id]);
    await withdrawNotice(p.admin, p.partner, now.id);
    expect(await open(u, c.identifier)).toEqual([]);
    expect((await listMyNotices(u, c.identifier)).rows).toEqual([]);
    await expect(acknowledgeNotice(u, c.identifier, now.id)).rejects.toBeInstanceOf(NotFoundError);
    const list = await listNotices(p.admin, p.partner);
    expect(Object.fromEntries(list.rows.map((r) => [r.id, r.state]))).toEqual({ [later.id]: "expired", [now.id]: "withdrawn" });
    await expect(remindNotice(p.admin, p.partner, now.id)).rejects.toBeInstanceOf(AppError);
  });

  it("addresses groups, all customers and sub-customers, leaving out customers being deleted", async () => {
    const p = await newPartner();
    const north = await createCustomerGroup(p.admin, p.partner, { name: "North" });
    const a = await customerWith(p, 1, { groups: [north.id] });
    const sub = await customerWith(p, 2, { parent: a.identifier });
    const b = await customerWith(p, 1);
    const doomed = await customerWith(p, 1, { groups: [north.id] });
    await db.execute(sql`update customers set deleting_at = now() where id = ${doomed.customer.id}`);
    expect(await previewNotice(p.admin, p.partner, notice({ to: "groups", groups: [north.id] }))).toMatchObject({ customers: 1, people: 1 });
    expect(await previewNotice(p.admin, p.partner, notice({ to: "groups", groups: [north.id], descendants: true }))).toMatchObject({ customers: 2, people: 3 });
    expect(await previewNotice(p.admin, p.partner, notice({ to: "all" }))).toMatchObject({ customers: 2, people: 2 });
    expect(await previewNotice(p.admin, p.partner, notice({ to: "all", descendants: true }))).toMatchObject({ customers: 3, people: 4 });
    const sent = await sendNotice(p.admin, p.partner, notice({ to: "customers", customers: [a.identifier], descendants: true }));
    expect(sent.customers).toBe(2);
    expect(await open(sub.users[1], sub.identifier)).toEqual([sent.id]);
    expect(await open(b.users[0], b.identifier)).toEqual([]);
    await expect(sendNotice(p.admin, p.partner, notice({ customers: [doomed.identifier] }))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("keeps acknowledgements through a correction, and asks everyone again after a re-issue", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 2);
    const sent = await sendNotice(p.admin, p.partner, notice({ customers: [c.identifier] }));
    await acknowledgeNotice(c.users[0], c.identifier, sent.id);
    await editNotice(p.admin, p.partner, sent.id, { title: "Maintenance on Friday!", body: "Please **save** your work." });
    expect(await open(c.users[0], c.identifier)).toEqual([]);
    expect((await tracking(p, sent.id)).notice.progress).toEqual({ expected: 2, acknowledged: 1 });
    await editNotice(p.admin, p.partner, sent.id, { title: "Maintenance moved to Monday", body: "New date.", reissue: true });
    expect(await open(c.users[0], c.identifier)).toEqual([sent.id]);
    expect((await tracking(p, sent.id)).notice.progress).toEqual({ expected: 2, acknowledged: 0 });
    expect((await acknowledgeNotice(c.users[0], c.identifier, sent.id)).acknowledged).toBe(true);
  });

  it("lets Partner Employees follow the tracking but not send, withdraw or remind", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 1);
    const sent = await sendNotice(p.admin, p.partner, notice({ customers: [c.identifier] }));
    const employee = await newUser("Pete Partner-Employee");
    const partnerRow = (await db.execute(sql`select id from customers where identifier = ${p.partner}`)) as unknown as { id: string }[];
    await addMember(employee.id, partnerRow[0].id, "partner_employee");
    const e = as(employee);
    expect((await listNotices(e, p.partner)).rows.map((r) => r.id)).toEqual([sent.id]);
    expect((await exportNoticeTracking(e, p.partner, sent.id)).rows).toHaveLength(1);
    await expect(sendNotice(e, p.partner, notice({ customers: [c.identifier] }))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(withdrawNotice(e, p.partner, sent.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(remindNotice(e, p.partner, sent.id)).rejects.toBeInstanceOf(ForbiddenError);
    // A customer's own admin sends nothing: notices come from partner accounts.
    await expect(sendNotice(c.users[0], c.identifier, notice({ customers: [c.identifier] }))).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("reminds once per cooldown through the outbox, and exports everyone's status", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 3);
    const sent = await sendNotice(p.admin, p.partner, notice({ mode: "single_read_only", customers: [c.identifier] }));
    expect(await remindNotice(p.admin, p.partner, sent.id)).toEqual({ reminder: 1 });
    await expect(remindNotice(p.admin, p.partner, sent.id)).rejects.toBeInstanceOf(AppError);
    expect(
      await count(
        sql`select count(*)::int as n from notice_work w join outbox o on o.payload->>'workId' = w.id::text where w.notice_id = ${sent.id} and w.run = 'remind-1'`,
      ),
    ).toBe(1);
    await acknowledgeNotice(c.users[2], c.identifier, sent.id);
    const csv = await exportNoticeTracking(p.admin, p.partner, sent.id);
    expect(csv.rows.map((r) => r.status).sort()).toEqual(["acknowledged", "closed by another", "closed by another"]);
  });

  it("renders the body's Markdown and removes what could run in a reader's page", async () => {
    const p = await newPartner();
    const c = await customerWith(p, 1);
    await sendNotice(
      p.admin,
      p.partner,
      notice({
        customers: [c.identifier],
        body: "**Bold** <script>alert(1)</script> <img src=x onerror=alert(1)> [link](javascript:alert(1)) [ok](https://example.com)",
      }),
    );
    const [shown] = await listOpenNotices(c.users[0], c.identifier);
    expect(shown.bodyHtml).toContain("<strong>Bold</strong>");
    expect(shown.bodyHtml).not.toMatch(/script|onerror|javascript:|<img/);
    expect(shown.bodyHtml).toContain('href="https://example.com"');
  });
});
