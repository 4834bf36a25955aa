// Readiness: whether this web process can serve requests. `select 1` against PostgreSQL and a PING to the job queue
// (Redis; with JOB_BACKEND=postgres the queue lives in the database), each within 1.5 s. 503 (with Retry-After) while
// the database is out of reach; the queue's state is reported but doesn't decide, because the web process works
// without it (the outbox keeps the work until the queue is back). Public, and says nothing else.
import { ANONYMOUS } from "@/lib/authz";
import { UnavailableError } from "@/lib/core";
import { checkReadiness } from "@/lib/queues";
import { publicRoute } from "@/lib/web";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async () => {
  const status = await checkReadiness(ANONYMOUS);
  const headers = new Headers({ "Cache-Control": "no-store" });
  if (status.database !== "ok") headers.set("Retry-After", String(new UnavailableError().retryAfterSeconds));
  return Response.json(status, { status: status.database === "ok" ? 200 : 503, headers });
});
