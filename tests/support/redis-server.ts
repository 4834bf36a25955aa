// A throwaway redis-server child on a port of its own, for tests that stop and restart Redis under a running worker.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import { freePort } from "./ports";

/** True when something on `port` answers PING with +PONG. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    let data = "";
    socket.setTimeout(500);
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (c) => {
      data += c.toString();
      if (data.includes("\r\n")) {
        socket.destroy();
        resolve(data.startsWith("+PONG"));
      }
    });
    socket.on("error", () => resolve(false));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export class RedisServer {
  private child: ChildProcess | null = null;
  /** Chosen when it first starts, then kept: a restart comes back where its clients reconnect. */
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free port (no persistence) and waits until it answers. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer();
    await server.restart();
    return server;
  }

  /** Starts it again on the same port, empty, as after a crash without persistence. */
  async restart(): Promise<void> {
    if (this.child) throw new Error("redis-server is already running");
    this.port ||= await freePort();
    const child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    this.child = child;
    const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`redis-server on port ${this.port} exited with ${code}`))));
    exited.catch(() => {});
    const started = Date.now();
    while (!(await answersPing(this.port))) {
      if (child.exitCode !== null) await exited;
      if (Date.now() - started > 10_000) throw new Error(`redis-server on port ${this.port} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Kills the process outright (SIGKILL, like a crash) and waits until the port no longer answers. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGKILL");
      await gone;
    }
    while (await answersPing(this.port)) await new Promise((r) => setTimeout(r, 50));
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** How many clients are connected to it, not counting the one that asks. */
  async clients(): Promise<number> {
    const probe = new Redis(this.url, { maxRetriesPerRequest: 1 });
    try {
      return (
        String(await probe.client("LIST"))
          .trim()
          .split("\n").length - 1
      );
    } finally {
      probe.disconnect();
    }
  }
}

/** A Redis of the enclosing describe block's own, as REDIS_URL while its tests run; the shared one is back after. */
export function useOwnRedis(): RedisServer {
  const server = new RedisServer();
  let shared: string | undefined;
  beforeAll(async () => {
    await server.restart();
    shared = process.env.REDIS_URL;
    process.env.REDIS_URL = server.url;
  });
  afterAll(async () => {
    await server.kill();
    process.env.REDIS_URL = shared;
  });
  return server;
}
