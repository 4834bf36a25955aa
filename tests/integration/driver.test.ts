// The PostgreSQL driver when a connection dies under it (scripts/patch-postgres.mjs mends the driver at install): a
// query on a connection whose backend is gone fails with CONNECTION_CLOSED, which the worker retries, instead of an
// uncaught TypeError that ends the process. It runs in a process of its own, so a crash shows as its exit code rather
// than taking this one down.
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

function run(script: string): { code: number | null; out: string } {
  const result = spawnSync(process.execPath, ["-e", script], {
    env: { ...process.env, NODE_OPTIONS: undefined },
    encoding: "utf8",
    timeout: 30_000,
  });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

const prelude = `
  const postgres = require("postgres");
  const sql = postgres(process.env.DATABASE_URL, { max: 2, onnotice: () => {} });
  const outcome = (p) => p.then(() => "ok", (e) => e.code || e.message);
`;

it("a reserved connection whose backend was terminated rejects its queries; the process survives", () => {
  const { code, out } = run(`${prelude}
    (async () => {
      const conn = await sql.reserve();
      const [{ pid }] = await conn\`select pg_backend_pid() as pid\`;
      await sql\`select pg_terminate_backend(\${pid})\`;
      await new Promise((r) => setTimeout(r, 200));
      console.log("first:", await outcome(conn\`select 1\`));
      console.log("second:", await outcome(conn\`select 1\`));
      conn.release();
      console.log("pool:", await outcome(sql\`select 1\`));
      await sql.end();
    })();`);
  expect(out).toContain("first: CONNECTION_CLOSED");
  expect(out).toContain("second: CONNECTION_CLOSED");
  expect(out).toContain("pool: ok");
  expect(code).toBe(0);
});
