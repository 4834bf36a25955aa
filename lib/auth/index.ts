// Credentials: password hashing and checking, and the random tokens that links carry (only their hash is stored).
export * from "./password";
export * from "./tokens";
export * from "./credentials";
