// The shared parts every domain uses: configuration, errors with codes, paging and search, field rules.
export * from "./env";
export * from "./errors";
export * from "./paging";
export * from "./validation";
export * from "./redirect";
export * from "./tokens";
export * from "./log";
