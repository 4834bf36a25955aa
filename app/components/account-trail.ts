// Where an account sits, in words: a plain module, so server pages and the client-side switcher both call it (an export
// of a "use client" module reaches a server component as a reference, not as the function).

/** "Partner › Parent": the names above an account, from its managing partner down to its parent; null at the top. */
export function where(trail: string[] | undefined): string | null {
  return trail && trail.length > 0 ? trail.join(" › ") : null;
}
