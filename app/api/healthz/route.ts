// Liveness: the process is up and answers. It asks nothing of the database or the queue (see /api/readyz), so an
// orchestrator restarts the web process only when it is stuck itself, never because PostgreSQL or Redis is down.
import { publicRoute } from "@/lib/web";

export const dynamic = "force-dynamic";

export const GET = publicRoute(() => Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } }));
