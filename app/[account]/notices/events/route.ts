// Server-sent events for the notice panel and the tracking pages: an event whenever a notice that reaches this page
// changes (sent, started, withdrawn, re-issued) or is acknowledged; the page then re-renders itself from the server.
import { getNoticeEventScope } from "@/lib/notices";
import { getPrincipal, subscribeNoticeEvents } from "@/lib/web";
import { isRefusal } from "@/lib/core";

export const dynamic = "force-dynamic";

/** Proxies and load balancers close a connection that stays silent; a comment line every so often keeps it open. */
const HEARTBEAT_MS = 25_000;

export async function GET(request: Request, { params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const principal = await getPrincipal();
  if (principal.kind !== "user") return new Response("Sign in first.", { status: 401 });
  let scope;
  try {
    scope = await getNoticeEventScope(principal, decodeURIComponent(account));
  } catch (err) {
    if (isRefusal(err)) return new Response("Not found.", { status: 404 });
    throw err;
  }
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      // Tell the browser how long to wait before reconnecting, and that the stream is up.
      write("retry: 3000\n: connected\n\n");
      let unsubscribe: () => void;
      try {
        unsubscribe = await subscribeNoticeEvents(scope, (event) => write(`event: notice\ndata: ${JSON.stringify({ notice: event.n })}\n\n`));
      } catch {
        controller.close();
        return;
      }
      const heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      cleanup = () => {
        clearInterval(heartbeat);
        unsubscribe();
        try {
          controller.close();
        } catch {
          // already closed
        }
      };
      request.signal.addEventListener("abort", () => cleanup(), { once: true });
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
}
