// The supervisor against real child processes: one that crashes at once, and one killed outright while it runs.
import { spawn } from "node:child_process";
import { afterEach, expect, it } from "vitest";
import { supervise, type Supervisor } from "./supervise";

let supervisor: Supervisor | null = null;
afterEach(() => {
  supervisor?.stop();
  supervisor?.current.kill("SIGKILL");
  supervisor = null;
});

async function until(check: () => boolean, ms = 10_000) {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

it("starts a process that crashes again and again, pausing longer each time, and says so each time", async () => {
  const lines: string[] = [];
  let starts = 0;
  supervisor = supervise({
    name: "worker",
    start: () => {
      starts++;
      return spawn(process.execPath, ["-e", "process.exit(3)"]);
    },
    say: (line) => lines.push(line),
    backoffMs: 50,
    maxBackoffMs: 200,
  });
  await until(() => starts >= 5);
  expect(lines.slice(0, 4)).toEqual([
    "worker exited unexpectedly (exit code 3); starting it again in 0.1 s",
    "worker exited unexpectedly (exit code 3); starting it again in 0.1 s",
    "worker exited unexpectedly (exit code 3); starting it again in 0.2 s",
    "worker exited unexpectedly (exit code 3); starting it again in 0.2 s",
  ]);
});

it("starts a process killed outright while it ran, and stops restarting once told", async () => {
  const lines: string[] = [];
  supervisor = supervise({
    name: "worker",
    start: () => spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"]),
    say: (line) => lines.push(line),
    backoffMs: 50,
  });
  const first = supervisor.current;
  await until(() => first.pid !== undefined);
  first.kill("SIGKILL");
  await until(() => supervisor!.current !== first && supervisor!.current.pid !== undefined);
  expect(lines).toEqual(["worker exited unexpectedly (SIGKILL); starting it again in 0.1 s"]);
  expect(supervisor.restarts).toBe(1);
  supervisor.stop();
  const second = supervisor.current;
  second.kill("SIGKILL");
  await new Promise((r) => second.once("exit", r));
  await new Promise((r) => setTimeout(r, 200));
  expect(supervisor.current).toBe(second);
  expect(supervisor.restarts).toBe(1);
});
