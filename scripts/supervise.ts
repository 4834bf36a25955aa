// Keeps a child process running: when it exits without being asked to, it is started again after a pause that doubles
// with each quick exit (up to a ceiling) and starts over once the process has stayed up a while. The worker runs under
// it: whatever takes the worker down (a driver's uncaught error, the OOM killer), its jobs wait in PostgreSQL and the
// queue, and the web keeps serving meanwhile.
import type { ChildProcess } from "node:child_process";

export type SupervisorOptions = {
  name: string;
  start: () => ChildProcess;
  say: (line: string) => void;
  /** The first pause, doubled after each exit that follows a short run, up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A run this long counts as healthy: the next exit pauses `backoffMs` again. */
  healthyAfterMs?: number;
};

export type Supervisor = {
  /** The process running now (or the last one, while pausing before a restart). */
  readonly current: ChildProcess;
  readonly restarts: number;
  /** Stops restarting; the caller stops the process running now. */
  stop(): void;
};

export function supervise(opts: SupervisorOptions): Supervisor {
  const base = opts.backoffMs ?? 1000;
  const max = opts.maxBackoffMs ?? 30_000;
  const healthyAfter = opts.healthyAfterMs ?? 60_000;
  let backoff = base;
  let stopped = false;
  let restarts = 0;
  let timer: NodeJS.Timeout | null = null;
  let current: ChildProcess;

  const run = () => {
    const startedAt = Date.now();
    const child = opts.start();
    current = child;
    let handled = false;
    const died = (how: string) => {
      if (handled || stopped) return;
      handled = true;
      if (Date.now() - startedAt >= healthyAfter) backoff = base;
      opts.say(`${opts.name} exited unexpectedly (${how}); starting it again in ${Math.round(backoff / 100) / 10} s`);
      timer = setTimeout(() => {
        timer = null;
        if (stopped) return;
        restarts++;
        run();
      }, backoff);
      backoff = Math.min(max, backoff * 2);
    };
    child.once("exit", (code, signal) => died(signal ?? `exit code ${code}`));
    child.once("error", (err) => died(err.message));
  };
  run();

  return {
    get current() {
      return current;
    },
    get restarts() {
      return restarts;
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
