// Credentials: password hashing and checking (argon2id, a few at a time), and sign-in with its limits and the same
// answer for unknown addresses. Link tokens live in lib/core (tokens.ts): e-mail needs them too.
export * from "./password";
export * from "./credentials";
