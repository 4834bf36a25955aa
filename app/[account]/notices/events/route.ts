// Server-sent events for the notice panel and the tracking pages: an event whenever a notice that reaches this page
// changes (sent, started, withdrawn, re-issued) or is acknowledged; the page then re-renders itself from the server.
import { getNoticeEventScope } from "@/lib/notices";
import { subscribeNoticeEvents, userRoute } from "@/lib/web";

export const dynamic = "force-dynamic";

/** Proxies and load balancers close a connection that stays silent; a comment line every so often keeps it open. */
const HEARTBEAT_MS = 25_000;

export const GET = userRoute<{ account: string }>(async (principal, request, { account }) => {
  const scope = await getNoticeEventScope(principal, account);
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let unsubscribe = () => {};
  const cleanup = () => {
    clearInterval(heartbeat);
    unsubscribe();
    try {
      controller?.close();
    } catch {
      // already closed
    }
  };
  const write = (text: string) => {
    try {
      controller?.enqueue(encoder.encode(text));
    } catch {
      cleanup();
    }
  };
  // Listening starts before the answer does: a database that can't be reached answers 503 (the adapter), not a stream
  // that opens and ends at once.
  unsubscribe = await subscribeNoticeEvents(scope, (event) => write(`event: notice\ndata: ${JSON.stringify({ notice: event.n })}\n\n`));
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      // Tell the browser how long to wait before reconnecting, and that the stream is up.
      write("retry: 3000\n: connected\n\n");
      heartbeat = setInterval(() => write(": keep-alive\n\n"), HEARTBEAT_MS);
      request.signal.addEventListener("abort", cleanup, { once: true });
    },
    cancel: cleanup,
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform", "x-accel-buffering": "no" },
  });
});
