// Page numbers and search terms from the URL, clamped to sane values.
export const PAGE_SIZE = 20;

export function pageParams(sp: { page?: string; q?: string }, pageSize = PAGE_SIZE) {
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const q = (sp.q ?? "").trim().slice(0, 100);
  return { page, q, limit: pageSize, offset: (page - 1) * pageSize };
}

/** A LIKE pattern matching `q` anywhere, with LIKE's own wildcards escaped. */
export function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
