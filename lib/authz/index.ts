// Authorization, in one place: who is acting (principal), what they may do (permission tables), and the checks
// domain operations run inside their transactions.
export * from "./access";
export * from "./permissions";
export * from "./principal";
