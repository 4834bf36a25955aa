// `npm start` speaks to a person on a terminal (one line per step, what web and worker print kept in log files) and
// to a machine elsewhere (everything as it comes, the worker's JSON lines included). Run on the suite's build and
// database, under a pseudo-terminal made by util-linux's `script` for the first.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, inject, it } from "vitest";
import { freePort } from "../support/ports";

/** Runs the launcher until its output says all of `until` (by default: ready), then stops it with Ctrl-C (SIGINT); its output and data directory. */
async function launch(
  onTerminal: boolean,
  until: RegExp[] = [/ready on http/],
  beforeStop: (dataDir: string) => Promise<void> = async () => {},
): Promise<{ out: string; dataDir: string }> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tenancy-launch-"));
  // As on an installation: no test mode, no mail provider, no log format asked for.
  const { RESEND_API_KEY: _resend, TENANCY_LOG_FORMAT: _format, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: "production",
    DATABASE_URL: inject("e2eDatabaseUrl"),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `tenancy-launch-${randomBytes(4).toString("hex")}`,
    TENANCY_DATA_DIR: dataDir,
    PORT: String(port),
    NEXTAUTH_SECRET: "launch-secret",
  };
  const command = "node_modules/.bin/tsx scripts/start.ts";
  const child = onTerminal
    ? spawn("script", ["-qfec", command, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] })
    : spawn("node_modules/.bin/tsx", ["scripts/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const started = Date.now();
  while (!until.every((r) => r.test(out))) {
    if (child.exitCode !== null) throw new Error(`the launcher exited early:\n${out}`);
    if (Date.now() - started > 90_000) throw new Error(`the launcher was not ready within 90 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await beforeStop(dataDir);
  // On a terminal, Ctrl-C: the pseudo-terminal turns the character into SIGINT for the launcher's group.
  if (onTerminal) child.stdin!.write("\x03");
  else child.kill("SIGINT");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
  child.kill("SIGKILL");
  return { out, dataDir };
}

it("on a terminal, says one line per step and keeps web and worker output in log files", async () => {
  const workerLog = (dir: string) => fs.readFileSync(path.join(dir, "logs", "worker.log"), "utf8");
  const { out, dataDir } = await launch(true, undefined, async (dir) => {
    await expect.poll(() => workerLog(dir), { timeout: 30_000 }).toContain('"msg":"serving queues"');
  });
  const lines = out
    .replace(/\r|\^C/g, "")
    .split("\n")
    .filter((l) => l.trim() !== "");
  // Every line is the launcher's own: no JSON, no route table, no Next.js banner.
  expect(
    lines.filter((l) => !l.startsWith("[tenancy]")),
    out,
  ).toEqual([]);
  expect(out).not.toContain('{"level"');
  expect(out).not.toContain("Running next.config.js");
  expect(out).toMatch(/\[tenancy\] ready on http:\/\/localhost:\d+ \(logs of web and worker in .*logs; Ctrl-C stops everything\)/);
  expect(out).not.toMatch(/about \d+ s/);
  // What they printed is in the logs instead.
  expect(workerLog(dataDir)).toContain('"msg":"serving queues"');
  expect(fs.readFileSync(path.join(dataDir, "logs", "web.log"), "utf8")).toContain("Next.js");
}, 180_000);

it("elsewhere, passes everything through as it comes, the worker's JSON lines included", async () => {
  const { out } = await launch(false, [/ready on http/, /"msg":"serving queues"/]);
  expect(out).toContain('"msg":"serving queues"');
  expect(out).toContain("[tenancy] ready on http://localhost:");
}, 180_000);
