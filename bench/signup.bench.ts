// Sign-ups per second through the domain function vs the same three INSERTs in one raw transaction.
import { randomBytes } from "node:crypto";
import { rawSql } from "@/db/client";
import { signUp } from "@/lib/accounts";
import { ANONYMOUS } from "@/lib/authz";
import { hashPassword } from "@/lib/auth";
import { throughput, type Benchmark } from "./harness";

const N = 200;
const CONCURRENCY = 4;

const bench: Benchmark = {
  name: "sign-up",
  async run() {
    const run = randomBytes(3).toString("hex");
    const ours = await throughput(N, CONCURRENCY, (i) =>
      signUp(ANONYMOUS, {
        fullName: "Bench User",
        email: `b${run}-${i}@bench.test`,
        password: "bench-password-1",
        accountName: `Bench ${i}`,
        identifier: `b${run}-${i}`,
      }),
    );
    const sql = rawSql();
    const hash = await hashPassword("bench-password-1");
    const raw = await throughput(N, CONCURRENCY, (i) =>
      sql.begin(async (tx) => {
        const [u] = await tx`insert into users (email, name, password_hash) values (${`r${run}-${i}@bench.test`}, 'Raw', ${hash}) returning id`;
        const [c] = await tx`insert into customers (identifier, name) values (${`r${run}-${i}`}, ${`Raw ${i}`}) returning id`;
        await tx`insert into memberships (user_id, customer_id, "group") values (${u.id}, ${c.id}, 'customer_admin')`;
      }),
    );
    const hashes = await throughput(N, CONCURRENCY, () => hashPassword("bench-password-1"));
    return [
      {
        name: "sign-ups/s",
        unit: "sign-ups/s",
        ours,
        raw,
        rawLabel: "3 raw INSERTs in 1 tx",
        higherIsBetter: true,
        note: `ours includes argon2id hashing (alone: ${hashes.toFixed(0)} hashes/s on this machine), audit row, e-mail record and outbox row; ${N} each, ${CONCURRENCY} in flight`,
      },
    ];
  },
};

export default bench;
