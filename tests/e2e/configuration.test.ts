// A bad setting stops each process as it starts, with a line naming the variable, instead of failing requests later:
// `npm start` before it starts anything, the web server before it answers, the worker before it takes a job.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";

/** Runs a command to its end (at most 60 s), with what it wrote to stderr. */
function runToExit(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} ${args.join(" ")} still ran after 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const bad = (over: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, NEXTAUTH_SECRET: "config-test", ...over, NODE_ENV: "production" });

it("npm start stops before starting anything, naming each bad variable", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "tenancy-config-"));
  const { code, stderr } = await runToExit(
    "node_modules/.bin/tsx",
    ["scripts/start.ts"],
    bad({ TENANCY_DATA_DIR: dataDir, DATABASE_POOL_SIZE: "many", TRUST_PROXY: "yes" }),
  );
  expect(code).toBe(1);
  expect(stderr).toContain(`[tenancy] bad configuration: DATABASE_POOL_SIZE must be a number (got "many")`);
  expect(stderr).toContain(`[tenancy] bad configuration: TRUST_PROXY must be the number of reverse proxies in front of Tenancy (got "yes")`);
  // Nothing was started or written: no secret, no embedded database.
  expect(fs.readdirSync(dataDir)).toEqual([]);
});

it("the worker stops before it takes a job", async () => {
  const { code, stderr } = await runToExit("node_modules/.bin/tsx", ["jobs/worker.ts"], bad({ RATE_LIMIT_SIGN_IN_PER_IP: "lots" }));
  expect(code).toBe(1);
  expect(stderr).toContain("[tenancy worker] bad configuration: RATE_LIMIT_SIGN_IN_PER_IP must be points/windowSeconds[/blockSeconds]");
});

it("the web server stops before it answers", async () => {
  const { code, stderr } = await runToExit("node_modules/.bin/next", ["start", "-p", "0", "-H", "127.0.0.1"], bad({ HASH_CONCURRENCY: "0" }));
  expect(code).toBe(1);
  expect(stderr).toContain(`[tenancy web] bad configuration: HASH_CONCURRENCY must be a whole number ≥ 1 (got "0")`);
});
