// Not in customer-rows.tsx: a constant exported from a "use client" module reaches server components as a client
// reference, not as its value (the header's class list would hold the text of a function).
/** The actions stay in sight while the wide table scrolls sideways under them (on a laptop as on a phone). */
export const STICKY_END = "sticky right-0 bg-white shadow-[-6px_0_6px_-6px_rgb(15_23_42/0.2)]";
