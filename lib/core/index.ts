// The shared parts every domain uses: configuration, errors with codes, paging and search, field rules.
export * from "./env";
export * from "./csv";
export * from "./errors";
export * from "./unavailable";
export * from "./paging";
export * from "./validation";
export * from "./redirect";
export * from "./tokens";
export * from "./log";
export * from "./rows";
export * from "./timeout";
export * from "./words";
