// Rate limits on the real stores (Redis at REDIS_URL, this run's PostgreSQL), Redis going away, and what sign-in does
// with them: the same answer and the same work for unknown and known addresses, the owner's alert, bounded hashing.
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { invitations, outboundEmails } from "@/db/schema";
import { renderEmail, type TemplateProps } from "@/emails";
import { hashingStats, hashPassword, resetHashingStats, verifyCredentials, verifyPassword } from "@/lib/auth";
import { RateLimitedError } from "@/lib/core";
import { inviteMember } from "@/lib/invitations";
import {
  INVITATIONS_PER_ACCOUNT,
  SIGN_IN_PER_EMAIL,
  captureRefusal,
  closeLimits,
  consume,
  keyPrefix,
  reset,
  storeKind,
  tryConsume,
  type Limit,
} from "@/lib/limits";
import { freePort } from "../support/ports";
import { RedisServer } from "../support/redis-server";
import { PASSWORD, as, newAccount, newUser, unique } from "../support/factories";

const TRY: Limit = { name: "TEST_TRY", points: 2, windowSeconds: 1, blockSeconds: 0, refusal: "Too many tries." };
const BLOCKING: Limit = { name: "TEST_BLOCKING", points: 2, windowSeconds: 1, blockSeconds: 3, refusal: "Too many tries." };

const saved = { ...process.env };
beforeEach(() => {
  // Each test counts under keys of its own.
  process.env.RATE_LIMIT_PREFIX = `${process.env.QUEUE_PREFIX}:limits-${randomBytes(4).toString("hex")}`;
});
afterEach(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await closeLimits();
});
afterAll(closeDb);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function refusal(p: Promise<unknown>): Promise<RateLimitedError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RateLimitedError);
  return err as RateLimitedError;
}

async function pgRows(prefix: string): Promise<number> {
  const [row] = (await db.execute(sql`select count(*)::int as n from rate_limits where key like ${`${prefix}:%`}`)) as unknown as { n: number }[];
  return row.n;
}

async function redisKeys(prefix: string): Promise<string[]> {
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
  try {
    return await redis.keys(`${prefix}:*`);
  } finally {
    redis.disconnect();
  }
}

/** The scenario every store must pass: two allowed, the third refused in plain words, allowed again after the window. */
async function limitsThenForgets(key = unique("k")) {
  await consume(TRY, key);
  const second = await consume(TRY, key);
  expect(second.remainingPoints).toBe(0);
  const err = await refusal(consume(TRY, key));
  expect(err.code).toBe("rate_limited");
  expect(err.retryAfterMs).toBeGreaterThan(0);
  expect(err.retryAfterMs).toBeLessThanOrEqual(1000);
  expect(err.message).toBe("Too many tries. Try again in 1 second.");
  await sleep(1100);
  expect((await consume(TRY, key)).consumedPoints).toBe(1);
}

describe("stores", () => {
  it("Redis (JOB_BACKEND=redis): limits, says when to try again, forgets after the window; counts live in Redis", async () => {
    expect(storeKind()).toBe("redis");
    await limitsThenForgets();
    expect((await redisKeys(keyPrefix())).length).toBeGreaterThan(0);
    expect(await pgRows(keyPrefix())).toBe(0);
  });

  it("PostgreSQL (JOB_BACKEND=postgres): the same, with counts in the rate_limits table", async () => {
    process.env.JOB_BACKEND = "postgres";
    expect(storeKind()).toBe("postgres");
    await limitsThenForgets();
    expect(await pgRows(keyPrefix())).toBeGreaterThan(0);
    expect(await redisKeys(keyPrefix())).toEqual([]);
  });

  it("memory (RATE_LIMIT_STORE=memory): the same in one process", async () => {
    process.env.RATE_LIMIT_STORE = "memory";
    await limitsThenForgets();
  });

  it("Redis unreachable: still limits, through PostgreSQL, answering at once", async () => {
    process.env.REDIS_URL = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    await limitsThenForgets();
    expect(Date.now() - started).toBeLessThan(1100 + 1500);
    expect(await pgRows(keyPrefix())).toBeGreaterThan(0);
  });

  it("Redis dying mid-window: the next attempts are counted in PostgreSQL and refused there", async () => {
    const redis = await RedisServer.start();
    try {
      process.env.REDIS_URL = redis.url;
      const limit: Limit = { ...TRY, windowSeconds: 30 };
      const key = unique("k");
      await consume(limit, key); // in Redis
      await redis.kill();
      await consume(limit, key); // in PostgreSQL (its first there)
      await consume(limit, key);
      await refusal(consume(limit, key));
      expect(await pgRows(keyPrefix())).toBe(1);
    } finally {
      await redis.kill();
    }
  });

  it("a block outlasts the window; reset forgets a key at once", async () => {
    const key = unique("k");
    await consume(BLOCKING, key);
    await consume(BLOCKING, key);
    const err = await refusal(consume(BLOCKING, key));
    expect(err.retryAfterMs).toBeGreaterThan(2000);
    expect(err.message).toBe("Too many tries. Try again in 3 seconds.");
    await sleep(1100);
    await refusal(consume(BLOCKING, key)); // the window is over, the block is not
    await reset(BLOCKING, key);
    expect((await consume(BLOCKING, key)).consumedPoints).toBe(1);
  });

  it("RATE_LIMIT_<NAME> overrides a named limit; tryConsume answers false instead of throwing", async () => {
    process.env.RATE_LIMIT_SIGN_IN_PER_EMAIL = "1/60/0";
    const key = unique("k");
    expect(await tryConsume(SIGN_IN_PER_EMAIL, key)).toBe(true);
    expect(await tryConsume(SIGN_IN_PER_EMAIL, key)).toBe(false);
    const err = await refusal(consume(SIGN_IN_PER_EMAIL, key));
    expect(err.message).toMatch(/^Too many sign-in attempts\. Try again in (1 minute|\d+ seconds)\.$/);
  });

  it("captureRefusal reports a refusal that happened inside, for Retry-After", async () => {
    const key = unique("k");
    const { refusal: none } = await captureRefusal(() => consume(TRY, key));
    expect(none).toBeNull();
    const { result, refusal: seen } = await captureRefusal(async () => {
      await consume(TRY, key);
      return consume(TRY, key).catch(() => "turned into text by a library");
    });
    expect(result).toBe("turned into text by a library");
    expect(seen?.retryAfterMs).toBeGreaterThan(0);
    // tryConsume's "no" is an answer, not a refusal of the request.
    const { result: allowed, refusal: notRefused } = await captureRefusal(() => tryConsume(TRY, key));
    expect(allowed).toBe(false);
    expect(notRefused).toBeNull();
  });
});

describe("sign-in", () => {
  it("answers unknown and known addresses alike: null after one password check each, then the same refusal", async () => {
    process.env.RATE_LIMIT_SIGN_IN_PER_EMAIL = "3/60/60";
    const { user } = await newAccount();
    const unknown = `${unique("nobody")}@example.test`;
    for (const email of [user.email, unknown]) {
      resetHashingStats();
      expect(await verifyCredentials(email, "wrong-password-1", { ip: "198.51.100.1" })).toBeNull();
      expect(hashingStats().runs).toBe(1);
    }
    const answers: string[] = [];
    for (const email of [user.email, unknown]) {
      await verifyCredentials(email, "wrong-password-1");
      await verifyCredentials(email, "wrong-password-1");
      const err = await refusal(verifyCredentials(email, PASSWORD)); // refused even with the right password
      answers.push(err.message.replace(/\d+ (minutes?|seconds?)/, "N"));
    }
    expect(answers[0]).toBe(answers[1]);
    expect(answers[0]).toBe("Too many sign-in attempts. Try again in N.");
  });

  it("takes about as long for an unknown address as for a wrong password (the dummy hash has the real parameters)", async () => {
    const { user } = await newAccount();
    const time = async (email: string) => {
      const t = process.hrtime.bigint();
      await verifyCredentials(email, "wrong-password-1");
      return Number(process.hrtime.bigint() - t) / 1e6;
    };
    process.env.RATE_LIMIT_SIGN_IN_PER_EMAIL = "100/60";
    const nobody = `${unique("nobody")}@example.test`;
    await time(user.email); // warm up (the limiter, the prepared statement)
    await time(nobody);
    // Interleaved, so a busy machine slows both alike; medians of 9.
    const known: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 9; i++) {
      known.push(await time(user.email));
      unknownTimes.push(await time(nobody));
    }
    const median = (ts: number[]) => ts.sort((a, b) => a - b)[4];
    const ratio = median(unknownTimes) / median(known);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it("signs in with the right password and forgets that address's failures", async () => {
    process.env.RATE_LIMIT_SIGN_IN_PER_EMAIL = "3/60/60";
    const { user } = await newAccount();
    await verifyCredentials(user.email, "wrong-password-1");
    await verifyCredentials(user.email, "wrong-password-1");
    expect(await verifyCredentials(` ${user.email.toUpperCase()} `, PASSWORD)).toMatchObject({ id: user.id });
    // Three more attempts are allowed again.
    for (let i = 0; i < 3; i++) expect(await verifyCredentials(user.email, "wrong-password-1")).toBeNull();
    await refusal(verifyCredentials(user.email, PASSWORD));
  });

  it("limits per network address whatever the e-mail, and a success there doesn't reset it", async () => {
    process.env.RATE_LIMIT_SIGN_IN_PER_IP = "3/60/60";
    const { user } = await newAccount();
    const ip = "203.0.113.9";
    await verifyCredentials(`${unique("a")}@example.test`, "x-password-1", { ip });
    expect(await verifyCredentials(user.email, PASSWORD, { ip })).toMatchObject({ id: user.id });
    await verifyCredentials(`${unique("b")}@example.test`, "x-password-1", { ip });
    const err = await refusal(verifyCredentials(user.email, PASSWORD, { ip }));
    expect(err.message).toMatch(/^Too many sign-in attempts\. Try again in \d+ minutes?\.$/);
    expect(await verifyCredentials(user.email, PASSWORD, { ip: "203.0.113.10" })).toMatchObject({ id: user.id });
  });

  it("e-mails the owner once after repeated failures, and nobody for an unknown address", async () => {
    process.env.RATE_LIMIT_SIGN_IN_PER_EMAIL = "10/60/60";
    process.env.FAILED_SIGN_IN_ALERT_AFTER = "3";
    const owner = await newUser("Olga Owner");
    const alerts = () => db.select().from(outboundEmails).where(eq(outboundEmails.to, owner.email));
    for (let i = 1; i <= 2; i++) await verifyCredentials(owner.email, "wrong-password-1", { ip: "192.0.2.44" });
    expect(await alerts()).toHaveLength(0);
    for (let i = 3; i <= 8; i++) await verifyCredentials(owner.email, "wrong-password-1", { ip: "192.0.2.44" });
    const sent = await alerts();
    expect(sent).toHaveLength(1);
    expect(sent[0].template).toBe("failed-sign-ins");
    expect(sent[0].props).toMatchObject({ name: "Olga Owner", attempts: 3, windowMinutes: 1, ipAddress: "192.0.2.44" });
    const [{ n }] = (await db.execute(sql`select count(*)::int as n from outbox where payload->>'emailId' = ${sent[0].id}`)) as unknown as { n: number }[];
    expect(n).toBe(1);
    const mail = await renderEmail("failed-sign-ins", sent[0].props as TemplateProps["failed-sign-ins"]);
    expect(mail.subject).toBe("3 failed sign-in attempts on your Tenancy account");
    expect(mail.text).toContain("192.0.2.44");
    expect(mail.text).toContain("wrong password 3 times within 1 minute.");

    const nobody = `${unique("nobody")}@example.test`;
    for (let i = 0; i < 5; i++) await verifyCredentials(nobody, "wrong-password-1");
    expect(await db.select().from(outboundEmails).where(eq(outboundEmails.to, nobody))).toHaveLength(0);
  });
});

describe("password hashing", () => {
  it("runs at most HASH_CONCURRENCY at once and queues the rest", async () => {
    const hash = await hashPassword("some-password-1");
    resetHashingStats();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => verifyPassword(hash, i === 0 ? "some-password-1" : "wrong")));
    expect(results.filter(Boolean)).toHaveLength(1);
    const stats = hashingStats();
    expect(stats.concurrency).toBe(2);
    expect(stats.peakActive).toBe(2);
    expect(stats.runs).toBe(20);
    expect(stats.refused).toBe(0);
    expect(stats.active).toBe(0);
  });

  it("refuses at once, in plain words, beyond HASH_QUEUE waiting", async () => {
    process.env.HASH_CONCURRENCY = "3";
    process.env.HASH_QUEUE = "5";
    const hash = await hashPassword("some-password-1");
    resetHashingStats();
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => verifyPassword(hash, "wrong")));
    const refused = settled.filter((s) => s.status === "rejected").map((s) => (s as PromiseRejectedResult).reason as unknown);
    expect(settled.filter((s) => s.status === "fulfilled")).toHaveLength(3 + 5);
    expect(refused).toHaveLength(12);
    for (const err of refused) {
      expect(err).toBeInstanceOf(RateLimitedError);
      expect((err as RateLimitedError).message).toMatch(/Try again in a few seconds\.$/);
    }
    expect(hashingStats()).toMatchObject({ peakActive: 3, refused: 12, active: 0, waiting: 0 });
  });
});

describe("invitations", () => {
  it("limits invitations per account before writing anything, and someone without access uses none of them", async () => {
    process.env.RATE_LIMIT_INVITATIONS_PER_ACCOUNT = "2/60";
    const { user, customer } = await newAccount();
    const stranger = await newAccount();
    const invite = (who = user) =>
      inviteMember(as(who), customer.identifier, { fullName: "Ivy Invitee", email: `${unique("inv")}@example.test`, group: "customer_employee" });
    await expect(invite(stranger.user)).rejects.toMatchObject({ code: "not_found" });
    await invite();
    await invite();
    const err = await refusal(invite());
    expect(err.message).toMatch(/^This account has sent a lot of invitations in the last hour\. Try again in (1 minute|\d+ seconds)\.$/);
    expect(await db.select().from(invitations).where(eq(invitations.customerId, customer.id))).toHaveLength(2);
    expect(INVITATIONS_PER_ACCOUNT.points).toBe(100); // the default, for reference
  });
});
