// Liveness: the process is up and answers. It asks nothing of the database or the queue (see /api/readyz), so an
// orchestrator restarts the web process only when it is stuck itself, never because PostgreSQL or Redis is down.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
