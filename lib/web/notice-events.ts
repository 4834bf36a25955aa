// Live notice events for the web process: one LISTEN connection per process, whatever the number of open pages, fanned
// out in memory to the subscribers whose scope an event touches. PostgreSQL announces every change of a notice and
// every acknowledgement (triggers of migration 0011), so a page learns of a change made by any web process or worker.
import { rawSql } from "@/db/client";
import { getLogger } from "@/lib/core";

export type NoticeEvent = { p: string; n: string; c?: string };
/** What a page follows: notices of the partner that manages its customer (as a recipient), or its own (tracking). */
export type NoticeEventScope = { customerId: string; recipientOf: string | null; tracking: string | null };

type Subscriber = { scope: NoticeEventScope; send: (event: NoticeEvent) => void };

const holder = globalThis as unknown as { __tenancyNoticeEvents?: { subscribers: Set<Subscriber>; listening: Promise<void> | null } };
const state = (holder.__tenancyNoticeEvents ??= { subscribers: new Set(), listening: null });

export function touches(scope: NoticeEventScope, event: NoticeEvent): boolean {
  if (scope.tracking && event.p === scope.tracking) return true;
  // A recipient's page: any notice of its partner may have started or ended for it; an acknowledgement only matters in
  // the customer it was given in.
  return scope.recipientOf !== null && event.p === scope.recipientOf && (!event.c || event.c === scope.customerId);
}

function listen(): Promise<void> {
  state.listening ??= rawSql()
    .listen(
      "notices",
      (payload) => {
        let event: NoticeEvent;
        try {
          event = JSON.parse(payload) as NoticeEvent;
        } catch {
          return;
        }
        for (const s of state.subscribers) if (touches(s.scope, event)) s.send(event);
      },
      // postgres.js listens again after a reconnect; pages that missed events meanwhile catch up on their next render.
    )
    .then(() => undefined)
    .catch((err: unknown) => {
      state.listening = null;
      getLogger("notice-events").warn({ err }, "cannot listen for notice events");
      throw err;
    });
  return state.listening;
}

/** Calls `send` for every event in `scope` until the returned function is called. */
export async function subscribeNoticeEvents(scope: NoticeEventScope, send: (event: NoticeEvent) => void): Promise<() => void> {
  const subscriber = { scope, send };
  state.subscribers.add(subscriber);
  try {
    await listen();
  } catch (err) {
    state.subscribers.delete(subscriber);
    throw err;
  }
  return () => state.subscribers.delete(subscriber);
}
