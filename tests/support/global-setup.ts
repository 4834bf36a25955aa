// Checks the machine has what the tests need, creates a fresh PostgreSQL database for this test run, migrates it, and
// drops it afterwards.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./database";
import { preflight, redisUrl as defaultRedisUrl } from "./preflight";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    queuePrefix: string;
  }
}

export default async function setup(project: TestProject) {
  // Unit tests need no Redis; the browser tests' own setup (which runs before this one) checks for Chromium too.
  await preflight({ redis: project.vitest.projects.some((p) => p.name !== "unit") });
  const { url: databaseUrl, drop } = await createTestDatabase("tenancy_test");

  const queuePrefix = `tenancy-test-${randomBytes(4).toString("hex")}`;
  const redisUrl = defaultRedisUrl();
  project.provide("databaseUrl", databaseUrl);
  project.provide("redisUrl", redisUrl);
  project.provide("queuePrefix", queuePrefix);
  process.env.TEST_DATABASE_URL = databaseUrl;
  process.env.TEST_QUEUE_PREFIX = queuePrefix;

  return async () => {
    await drop();
    // Remove this run's BullMQ keys (the files' own prefixes start with the run's).
    const { removeQueueKeys } = await import("../../jobs/connection");
    await removeQueueKeys(redisUrl, queuePrefix);
  };
}
