// Notices from a partner to the users of its customers, and their acknowledgements. A notice addresses customers; who
// must see it follows from the memberships when it is read, so a send writes one row per customer, people who join a
// customer while the notice is shown receive it, and people who leave drop out of it and of the counts. The database
// keeps "one acknowledgement per person" (All must read) and "one per customer" (Single read only) by unique indexes:
// concurrent acknowledgements insert with ON CONFLICT DO NOTHING, and exactly one of them wins.
export { NOTICES_CHANNEL } from "./rules";
export { noticePlainText, renderNoticeMarkdown } from "./markdown";
export * from "./input";
export * from "./sending";
export * from "./tracking";
export * from "./receiving";
export * from "./work";
