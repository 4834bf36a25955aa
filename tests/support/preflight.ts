// What the tests need from the machine besides Node, checked before anything slow starts: on a machine without it the
// run stops at once with one plain line per missing piece, naming the package to install (PostgreSQL is not checked:
// without one the tests bring their own, see database.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { freePort } from "./ports";

export const redisUrl = () => process.env.REDIS_URL || "redis://127.0.0.1:6379";
export const chromiumPath = () => process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Where to look for a running Redis when REDIS_URL is unset; settable so the fallback can be tried where one runs. */
const probeUrl = () => process.env.TEST_REDIS_PROBE_URL || "redis://127.0.0.1:6379";

/**
 * A redis-server from PATH on a free port, without persistence, for this test run; killed when the run's process exits
 * (however it exits, so none is left behind). Null when there is no redis-server to start.
 */
async function startOwnRedis(): Promise<string | null> {
  const executable = findOnPath("redis-server");
  if (!executable) return null;
  const port = await freePort();
  const child = spawn(executable, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  // Unreferenced: it must not keep the run alive, and it dies with it.
  child.unref();
  process.once("exit", () => child.kill("SIGKILL"));
  const url = `redis://127.0.0.1:${port}`;
  for (const started = Date.now(); Date.now() - started < 10_000 && child.exitCode === null; await new Promise((r) => setTimeout(r, 50)))
    if (await answersPing(url)) {
      console.error(`tests: no Redis answered at ${probeUrl()}, so this run uses its own redis-server on port ${port}`);
      return url;
    }
  child.kill("SIGKILL");
  return null;
}

/** Exits the process (code 1) after printing what is missing; returns when nothing is. */
export async function preflight(needs: { redis?: boolean; browser?: boolean }): Promise<void> {
  const missing: string[] = [];
  if (needs.redis) {
    // Nothing configured and nothing on the usual port: bring a redis-server of the run's own, as `npm start` does.
    if (!process.env.REDIS_URL && !(await answersPing(probeUrl()))) {
      const own = await startOwnRedis();
      if (own) process.env.REDIS_URL = own;
    }
    const url = redisUrl();
    if (!(await answersPing(url))) {
      missing.push(
        `tests need Redis, and nothing answers PING at ${url}: install and start the redis-server package (apt-get install redis-server), or set REDIS_URL`,
      );
    }
    if (!findOnPath("redis-server")) {
      missing.push("tests need redis-server on PATH (the fault tests start their own): install the redis-server package (apt-get install redis-server)");
    }
  }
  if (needs.browser && !isExecutable(chromiumPath())) {
    missing.push(`browser tests need Chromium at ${chromiumPath()}: install the chromium package (apt-get install chromium), or set CHROMIUM_PATH`);
  }
  if (!missing.length) return;
  // Thrown errors from a global setup come with a stack and vitest's banner; this is all a contributor needs to read.
  for (const line of missing) console.error(line);
  process.exit(1);
}

/** True when a plain-text PING gets a Redis reply (+PONG, or an error such as NOAUTH when REDIS_URL has credentials). */
function answersPing(url: string, timeoutMs = 1000): Promise<boolean> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.replace(/^\[|\]$/g, "") || "127.0.0.1";
    port = Number(parsed.port || 6379);
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG") || reply.startsWith("-"));
    });
  });
}

function findOnPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
