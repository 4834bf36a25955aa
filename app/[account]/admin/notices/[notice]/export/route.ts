// The tracking of one notice as CSV: everyone it addresses now, with their status, streamed page by page as the
// client reads (lib/notices reads the next page only when the previous one has gone out).
import { exportNoticeTrackingCsv } from "@/lib/notices";
import { userRoute } from "@/lib/web";

export const dynamic = "force-dynamic";

export const GET = userRoute<{ account: string; notice: string }>(async (principal, _request, { account, notice }) => {
  const { filename, stream } = await exportNoticeTrackingCsv(principal, account, notice);
  return new Response(stream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
});
