"use client";
// While work the page shows is still under way (an e-mail being delivered), re-render it from the server every few
// seconds so the status changes by itself. Stops when nothing is pending, when the tab is hidden, or after a while.
import { useRouter } from "next/navigation";
import { useEffect } from "react";

export function LiveRefresh({ active, intervalMs = 2000, maxMs = 120_000 }: { active: boolean; intervalMs?: number; maxMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const started = Date.now();
    const timer = setInterval(() => {
      if (Date.now() - started > maxMs) clearInterval(timer);
      else if (document.visibilityState === "visible") router.refresh();
    }, intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs, maxMs, router]);
  return null;
}
