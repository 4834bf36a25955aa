// Everyone a deletion would touch, as CSV: the full list behind the confirmation's first names.
import { exportDeletionPeopleCsv } from "@/lib/deletions";
import { userRoute } from "@/lib/web";
import { deletionSelectionFromUrl } from "../selection";

export const dynamic = "force-dynamic";

export const GET = userRoute<{ account: string }>(async (principal, request, { account }) => {
  const { selection } = deletionSelectionFromUrl(new URL(request.url).searchParams);
  const { filename, stream } = await exportDeletionPeopleCsv(principal, account, selection);
  return new Response(stream, {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" },
  });
});
