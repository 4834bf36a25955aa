// The notice tracking CSV: every addressed person exactly once across many keyset pages (page boundaries inside a
// customer and between customers), the columns right, cells a spreadsheet can't run as formulas; and a download
// that the client stops reading stops reading the database.
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { acknowledgeNotice, exportNoticeTrackingCsv, sendNotice } from "@/lib/notices";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { addMember, as, newAccount, newUser, SYSTEM, unique } from "../support/factories";

afterAll(closeDb);

/** RFC 4180: quoted cells may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  expect(cell, "the file ends with a line break").toBe("");
  return rows;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<{ text: string; chunks: number }> {
  const decoder = new TextDecoder();
  let text = "";
  let chunks = 0;
  const reader = stream.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    text += decoder.decode(chunk.value, { stream: true });
    chunks++;
  }
  return { text: text + decoder.decode(), chunks };
}

/** A partner with customers of `sizes` members each (set-based), and a notice to all of them. */
async function partnerWithNotice(sizes: number[], mode: "all_must_read" | "single_read_only" = "all_must_read") {
  const account = await newAccount({ fullName: "Xena Export" });
  const admin = as(account.user);
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  const customers = [];
  for (const [i, size] of sizes.entries()) {
    const customer = await createManagedCustomer(admin, partner.identifier, { name: `Customer ${i}, "quoted"`, identifier: unique("xc") });
    const tag = unique("x");
    await db.execute(sql`insert into users (email, name) select ${tag} || '-' || g || '@example.test', 'Person ' || g from generate_series(1, ${size}) g`);
    await db.execute(sql`insert into memberships (user_id, customer_id, "group")
      select id, ${customer.id}, 'customer_employee' from users where email like ${`${tag}-%`}`);
    customers.push(customer);
  }
  const sent = await sendNotice(admin, partner.identifier, {
    title: "Export, please",
    body: "Body",
    mode,
    to: "customers",
    customers: customers.map((c) => c.identifier),
  });
  return { admin, partner: partner.identifier, customers, noticeId: sent.id };
}

describe("the notice tracking CSV", () => {
  it("holds everyone addressed exactly once, across pages, with their status", async () => {
    // 3 customers: one spans several pages, one fits inside a page, one has nobody. Pages of 97 rows end inside a
    // customer and between two.
    const p = await partnerWithNotice([530, 41, 0]);
    const [big, small] = p.customers;
    const [someone] = (await db.execute(sql`select u.id, u.email, u.name, u.is_operator from users u join memberships m on m.user_id = u.id
      where m.customer_id = ${small.id} order by u.id limit 1`)) as unknown as { id: string; email: string; name: string; is_operator: boolean }[];
    await acknowledgeNotice(as({ id: someone.id, email: someone.email, name: someone.name, isOperator: someone.is_operator }), small.identifier, p.noticeId);

    const { filename, stream } = await exportNoticeTrackingCsv(p.admin, p.partner, p.noticeId, { pageRows: 97 });
    expect(filename).toBe("notice-Export-please.csv");
    const { text, chunks } = await readAll(stream);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual(["customer", "customer name", "name", "email", "status", "acknowledged at (UTC)"]);
    // One chunk per page: ceil(571 / 97) = 6 pages, the last one short.
    expect(chunks).toBe(6);

    const expected = (await db.execute(sql`select c.identifier, u.email from memberships m join users u on u.id = m.user_id
      join customers c on c.id = m.customer_id where m.customer_id in (${big.id}, ${small.id})`)) as unknown as { identifier: string; email: string }[];
    const got = rows.map((r) => `${r[0]} ${r[3]}`);
    expect(new Set(got).size, "no row twice").toBe(got.length);
    expect(got.sort()).toEqual(expected.map((e) => `${e.identifier} ${e.email}`).sort());
    for (const r of rows) expect(r[1]).toBe(r[0] === big.identifier ? 'Customer 0, "quoted"' : 'Customer 1, "quoted"');

    const acknowledged = rows.filter((r) => r[4] === "acknowledged");
    expect(acknowledged.map((r) => r[3])).toEqual([someone.email]);
    expect(new Date(acknowledged[0][5]).getTime()).not.toBeNaN();
    expect(rows.filter((r) => r[4] === "open")).toHaveLength(570);
  });

  it("escapes commas, quotes and line breaks, and never starts a cell a spreadsheet would run", async () => {
    const p = await partnerWithNotice([0]);
    const [customer] = p.customers;
    const names = ['=HYPERLINK("http://evil.example","x")', "+1+2", "-3", "@SUM(A1:A2)", "\tTabbed", "Smith, John", 'Say "hi"', "Two\r\nlines", "Plain"];
    for (const name of names) await addMember((await newUser(name)).id, customer.id, "customer_employee");
    const { stream } = await exportNoticeTrackingCsv(p.admin, p.partner, p.noticeId, { pageRows: 4 });
    const { text } = await readAll(stream);
    const rows = parseCsv(text).slice(1);
    expect(rows.map((r) => r[2]).sort()).toEqual(
      ['\'=HYPERLINK("http://evil.example","x")', "'+1+2", "'-3", "'@SUM(A1:A2)", "'\tTabbed", "Smith, John", 'Say "hi"', "Two\r\nlines", "Plain"].sort(),
    );
    expect(rows.every((r) => r.length === 6)).toBe(true);
    // The customer's name carries a comma and quotes too.
    expect(rows[0][1]).toBe('Customer 0, "quoted"');
    expect(text).toContain('"Customer 0, ""quoted"""');
  });

  it("reads no page the client doesn't ask for, and leaves no query running once it stops reading", async () => {
    const p = await partnerWithNotice([3000]);
    const [customer] = p.customers;
    const pageRows = 100;
    const { stream } = await exportNoticeTrackingCsv(p.admin, p.partner, p.noticeId, { pageRows });
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let text = "";
    for (let i = 0; i < 3; i++) text += decoder.decode((await reader.read()).value);
    const read = parseCsv(text).slice(1);
    expect(read).toHaveLength(3 * pageRows);
    // Everyone not read yet leaves the customer: a page read ahead of the client would still bring them out.
    await db.execute(sql`delete from memberships where customer_id = ${customer.id}
      and user_id > (select id from users where email = ${read[read.length - 1][3]})`);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    expect(rest).toBe("");

    // A client that goes away after the first page: cancelling waits for a read under way and starts no other.
    const again = (await exportNoticeTrackingCsv(p.admin, p.partner, p.noticeId, { pageRows: 10 })).stream.getReader();
    await again.read();
    void again.read();
    await again.cancel();
    const running = (await db.execute(sql`select count(*)::int as n from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' and query like '%notice_acknowledgements mine%'`)) as unknown as {
      n: number;
    }[];
    expect(running[0].n).toBe(0);
  });
});
