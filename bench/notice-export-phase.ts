// One side of the notice export benchmark, in a process of its own so that its peak RSS is its own: `ours` reads the
// CSV stream the export route answers with (lib's exportNoticeTrackingCsv) to the end; `copy` reads a bare
// `COPY (the same rows) TO STDOUT` through postgres.js. Prints one JSON line: rows, bytes, ms, RSS along the way.
import postgres from "postgres";
import { ADMIN_GROUPS, userPrincipal } from "@/lib/authz";
import { exportNoticeTrackingCsv } from "@/lib/notices";

type Args = { mode: "ours" | "copy"; partner: string; noticeId: string; admin: { id: string; email: string; name: string } };

const MB = 1024 * 1024;

async function count(chunks: AsyncIterable<Uint8Array>, onRows: (rows: number) => void) {
  let bytes = 0;
  let lines = 0;
  for await (const chunk of chunks) {
    bytes += chunk.byteLength;
    // The benchmark's rows hold no line break inside a cell: a line is a row.
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    onRows(lines - 1);
  }
  return { bytes, rows: lines - 1 };
}

async function main() {
  const args = JSON.parse(process.argv[2]) as Args;
  const startRss = process.memoryUsage.rss();
  const rssAt: Record<string, number> = {};
  const marks = [100_000, 500_000, 1_000_000];
  const onRows = (rows: number) => {
    while (marks.length && rows >= marks[0]) rssAt[String(marks.shift())] = Math.round(process.memoryUsage.rss() / MB);
  };
  const started = performance.now();
  let result: { bytes: number; rows: number };
  if (args.mode === "ours") {
    const { stream } = await exportNoticeTrackingCsv(userPrincipal({ ...args.admin, isOperator: false }), args.partner, args.noticeId);
    const reader = stream.getReader();
    result = await count(
      (async function* () {
        for (let c = await reader.read(); !c.done; c = await reader.read()) yield c.value;
      })(),
      onRows,
    );
  } else {
    const sql = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    // The same rows and columns as the export, in the same order, formatted by the server. COPY takes no parameters:
    // the values are written in, from a checked UUID and the code's own group names.
    if (!/^[0-9a-f-]{36}$/.test(args.noticeId)) throw new Error("not a notice id");
    const groups = ADMIN_GROUPS.map((g) => `'${g.replace(/[^a-z_]/g, "")}'`).join(", ");
    const readable = await sql
      .unsafe(
        `copy (
      select c.identifier, c.name as customer_name, u.name, u.email,
        case when mine.user_id is not null then 'acknowledged' when cust.user_id is not null then 'closed by another' else 'open' end,
        coalesce(mine.acknowledged_at, cust.acknowledged_at)
      from notices n join notice_targets t on t.notice_id = n.id join customers c on c.id = t.customer_id and c.deleting_at is null
      join memberships m on m.customer_id = t.customer_id and (n.audience = 'all' or m."group"::text in (${groups}))
      join users u on u.id = m.user_id
      left join notice_acknowledgements mine on mine.notice_id = n.id and mine.revision = n.revision and mine.mode = n.mode and mine.user_id = u.id
        and (n.mode = 'all_must_read' or mine.customer_id = c.id)
      left join notice_acknowledgements cust on n.mode = 'single_read_only' and cust.notice_id = n.id and cust.revision = n.revision
        and cust.mode = 'single_read_only' and cust.customer_id = c.id
      where n.id = '${args.noticeId}'
      order by t.customer_id, m.user_id
    ) to stdout with (format csv, header)`,
      )
      .readable();
    result = await count(readable, onRows);
    await sql.end();
  }
  const ms = performance.now() - started;
  const { closeDb } = await import("@/db/client");
  await closeDb();
  console.log(
    JSON.stringify({
      ...result,
      ms,
      startRssMb: Math.round(startRss / MB),
      peakRssMb: Math.round((process.resourceUsage().maxRSS * 1024) / MB),
      rssAtMb: rssAt,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
