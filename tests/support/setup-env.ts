// Points every test file at this run's database and queue prefix before any app module reads the environment.
import { inject } from "vitest";

// Browser tests get a database of their own, shared with the server they drive.
process.env.DATABASE_URL = inject("e2eDatabaseUrl") ?? inject("databaseUrl");
process.env.REDIS_URL = inject("redisUrl");
process.env.QUEUE_PREFIX = inject("queuePrefix");
process.env.NEXTAUTH_SECRET ??= "test-secret-not-for-production";
process.env.EMAIL_BACKOFF_MS ??= "50";
delete process.env.RESEND_API_KEY;
