// The notice tracking CSV of 1,000,000 recipients (10,000 customers of 100 people), beside a bare `COPY … TO STDOUT` of
// the same rows in the same run: rows per second, and the peak RSS of a process that does nothing else (each side runs
// in a process of its own, bench/notice-export-phase.ts), with its RSS at 100,000, 500,000 and 1,000,000 rows to show
// that memory stays flat. `npm run bench notice-export` runs it alone. NOTICE_EXPORT_PEOPLE changes the size.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { rawSql } from "@/db/client";
import { userPrincipal } from "@/lib/authz";
import { sendNotice } from "@/lib/notices";
import type { Benchmark } from "./harness";
import { seedPartnerWithPeople } from "./seed-people";

const PER_CUSTOMER = 100;
const PEOPLE = Number(process.env.NOTICE_EXPORT_PEOPLE ?? 1_000_000);

type Phase = { rows: number; bytes: number; ms: number; startRssMb: number; peakRssMb: number; rssAtMb: Record<string, number> };

async function phase(mode: "ours" | "copy", args: object): Promise<Phase> {
  const tsx = path.join(import.meta.dirname, "..", "node_modules", ".bin", "tsx");
  const { stdout } = await promisify(execFile)(tsx, [path.join(import.meta.dirname, "notice-export-phase.ts"), JSON.stringify({ mode, ...args })], {
    env: process.env,
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as Phase;
}

const bench: Benchmark = {
  name: "notice export",
  async run() {
    const sql = rawSql();
    const tag = randomBytes(3).toString("hex");
    const customers = Math.ceil(PEOPLE / PER_CUSTOMER);
    const seedStarted = Date.now();
    const partner = await seedPartnerWithPeople(sql, { key: `ne-${tag}`, name: "Export partner", customers, perCustomer: PER_CUSTOMER });
    const { admin } = partner;
    await sql`analyze`;
    const principal = userPrincipal({ ...admin, isOperator: false });
    const { id: noticeId } = await sendNotice(principal, partner.identifier, { title: "Export", body: "Everyone.", mode: "all_must_read", to: "all" });
    // A few acknowledgements, so the status column is not one value throughout.
    await sql`insert into notice_acknowledgements (notice_id, user_id, customer_id, revision, mode)
      select ${noticeId}, m.user_id, m.customer_id, 1, 'all_must_read' from memberships m join customers c on c.id = m.customer_id
      where c.parent_id = ${partner.id} and m."group" = 'customer_admin'`;
    const seedS = ((Date.now() - seedStarted) / 1000).toFixed(0);

    const args = { partner: partner.identifier, noticeId, admin };
    // COPY first, then ours: the first side warms PostgreSQL's cache for the second, which is ours.
    const copy = await phase("copy", args);
    const ours = await phase("ours", args);
    if (ours.rows !== copy.rows) throw new Error(`the export wrote ${ours.rows} rows, COPY ${copy.rows}`);
    const flat = (p: Phase) =>
      Object.entries(p.rssAtMb)
        .map(([rows, mb]) => `${Number(rows).toLocaleString("en")} rows ${mb} MB`)
        .join(", ");
    const n = ours.rows.toLocaleString("en");
    return [
      {
        name: `notice CSV export, ${n} rows`,
        unit: "rows/s",
        ours: (ours.rows / ours.ms) * 1000,
        raw: (copy.rows / copy.ms) * 1000,
        rawLabel: "COPY … TO STDOUT",
        higherIsBetter: true,
        note:
          `ours ${(ours.ms / 1000).toFixed(1)} s (${(ours.bytes / 1024 / 1024).toFixed(0)} MiB), COPY ${(copy.ms / 1000).toFixed(1)} s ` +
          `(${(copy.bytes / 1024 / 1024).toFixed(0)} MiB). Ours reads keyset pages of 5,000 rows, each its own transaction that ` +
          `authorizes the principal again; parses every row in JavaScript and escapes each cell there (quotes, formula-leading ` +
          `characters); reads the next page only when the reader has taken the last one. COPY is one statement on one ` +
          `snapshot, formatted by the server, with no authorization and no formula escaping. Seeding took ${seedS} s`,
      },
      {
        name: `notice CSV export, ${n} rows, peak RSS`,
        unit: "MB",
        ours: ours.peakRssMb,
        raw: copy.peakRssMb,
        rawLabel: "COPY … TO STDOUT",
        higherIsBetter: false,
        note: `each in a process of its own; RSS at start: ours ${ours.startRssMb} MB, COPY ${copy.startRssMb} MB; along the way: ours ${flat(ours)}; COPY ${flat(copy)}`,
      },
    ];
  },
};

export default bench;
