export * from "./users";
export * from "./customers";
export * from "./invitations";
export * from "./projects";
export * from "./messaging";
export * from "./audit";
export * from "./deletions";
export * from "./notices";
