// Credentials: password hashing and checking (argon2id, a few at a time), sign-in with its limits and the same
// answer for unknown addresses, and the server-side session records every sign-in starts. Link tokens live in
// lib/core (tokens.ts): e-mail needs them too.
export * from "./password";
export * from "./credentials";
export * from "./sessions";
