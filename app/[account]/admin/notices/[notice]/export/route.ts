// The tracking of one notice as CSV: everyone it addresses now, with their status, streamed page by page.
import { getPrincipal } from "@/lib/web";
import { isRefusal } from "@/lib/core";
import { exportNoticeTracking } from "@/lib/notices";

export const dynamic = "force-dynamic";

/** A CSV cell; a leading =, +, - or @ would make a spreadsheet run it as a formula. */
function cell(value: unknown): string {
  let s = value instanceof Date ? value.toISOString() : value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function GET(_request: Request, { params }: { params: Promise<{ account: string; notice: string }> }) {
  const { account, notice } = await params;
  const principal = await getPrincipal();
  if (principal.kind !== "user") return new Response("Sign in first.", { status: 401 });
  let first;
  try {
    first = await exportNoticeTracking(principal, decodeURIComponent(account), notice);
  } catch (err) {
    if (isRefusal(err)) return new Response("Not found.", { status: 404 });
    throw err;
  }
  const encoder = new TextEncoder();
  const lines = (rows: typeof first.rows) =>
    rows.map((r) => [r.customer_identifier, r.customer_name, r.name, r.email, r.status, r.acknowledged_at].map(cell).join(",") + "\r\n").join("");
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      controller.enqueue(encoder.encode("customer,customer name,name,email,status,acknowledged at (UTC)\r\n" + lines(first.rows)));
      let next = first.next;
      try {
        while (next) {
          const page = await exportNoticeTracking(principal, decodeURIComponent(account), notice, { after: next });
          controller.enqueue(encoder.encode(lines(page.rows)));
          next = page.next;
        }
        controller.close();
      } catch (err) {
        controller.error(err);
      }
    },
  });
  const name = first.notice.title.replace(/[^\w.-]+/g, "-").slice(0, 60) || "notice";
  return new Response(stream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="notice-${name}.csv"`, "cache-control": "no-store" },
  });
}
