// Readiness: whether this web process can serve requests. `select 1` against PostgreSQL and a PING to the job queue
// (Redis; with JOB_BACKEND=postgres the queue lives in the database), each within 1.5 s. 503 while the database is out
// of reach; the queue's state is reported but doesn't decide, because the web process works without it (the outbox
// keeps the work until the queue is back). Public, and says nothing else.
import { checkReadiness } from "@/lib/queues";
import { ANONYMOUS } from "@/lib/authz";

export const dynamic = "force-dynamic";

export async function GET() {
  const status = await checkReadiness(ANONYMOUS);
  return Response.json(status, { status: status.database === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
