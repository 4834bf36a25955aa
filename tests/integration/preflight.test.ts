// `npm test` on a machine where no Redis runs: the run brings its own redis-server from PATH, and it goes with the run.
import { spawn } from "node:child_process";
import net from "node:net";
import { expect, it } from "vitest";
import { freePort } from "../support/ports";

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    socket.once("error", () => resolve(false));
  });

it("starts a redis-server of the run's own when none answers, and it stops with the run", async () => {
  const nothingHere = await freePort();
  // A process standing for the test run: its preflight finds no Redis at the probed address, so it starts one; it
  // prints where, checks it answers, and exits.
  const script = `(async () => {
    const m = await import("./tests/support/preflight.ts");
    const preflight = m.preflight ?? m.default.preflight;
    await preflight({ redis: true });
    console.log("REDIS_URL=" + process.env.REDIS_URL);
  })();`;
  const env: NodeJS.ProcessEnv = { ...process.env, TEST_REDIS_PROBE_URL: `redis://127.0.0.1:${nothingHere}` };
  delete env.REDIS_URL;
  const child = spawn("npx", ["tsx", "--eval", script], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  expect(code, err).toBe(0);
  const url = /REDIS_URL=(\S+)/.exec(out)?.[1];
  expect(url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
  expect(err).toContain("this run uses its own redis-server");
  const port = Number(new URL(url!).port);
  expect(port).not.toBe(nothingHere);
  // Gone with the process that started it.
  await expect.poll(() => answers(port), { timeout: 5000 }).toBe(false);
}, 60_000);
