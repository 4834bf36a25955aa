"use client";
// Follows the server's notice events for this account (server-sent events, no polling) and re-renders the page from
// the server when one arrives: a new notice shows up, one closed by a teammate disappears, a progress bar moves.
import { useRouter } from "next/navigation";
import { useEffect } from "react";

export function NoticeEvents({ account }: { account: string }) {
  const router = useRouter();
  useEffect(() => {
    const source = new EventSource(`/${encodeURIComponent(account)}/notices/events`);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // A burst (fifty acknowledgements at once) becomes one re-render.
    const onEvent = () => {
      clearTimeout(timer);
      timer = setTimeout(() => router.refresh(), 150);
    };
    source.addEventListener("notice", onEvent);
    return () => {
      clearTimeout(timer);
      source.removeEventListener("notice", onEvent);
      source.close();
    };
  }, [account, router]);
  return null;
}
