// A throwaway redis-server child on a port of its own, for tests that stop and restart Redis under a running worker.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
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
  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free port (no persistence) and waits until it answers. */
  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.restart();
    return server;
  }

  /** Starts it again on the same port, empty, as after a crash without persistence. */
  async restart(): Promise<void> {
    if (this.child) throw new Error("redis-server is already running");
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
}
