// Page numbers and search terms from the URL, clamped to sane values, and the search condition lists share.
import { sql, type AnyColumn, type SQL } from "drizzle-orm";
import { z } from "zod";

export const PAGE_SIZE = 20;

/** A page's search params as Next passes them: each one absent, given once, or repeated. */
export type SearchParams<K extends string> = Partial<Record<K, string | string[]>>;

/** The first value of each named param, so a repeated one (`?q=a&q=b`) reads as its first instead of breaking the page. */
export function firstParams<K extends string>(sp: SearchParams<K>, keys: readonly K[]): Record<K, string | undefined> {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return Object.fromEntries(keys.map((k) => [k, first(sp[k])])) as Record<K, string | undefined>;
}

/** Where a keyset page ends (or starts): the row's sort value and id, opaque in the URL. */
export type KeysetCursor = { v: string; id: string };

export const encodeCursor = (c: KeysetCursor) => Buffer.from(JSON.stringify(c)).toString("base64url");

/** The cursor a URL carries, or null for none or anything that isn't one (a hand-edited URL starts from the first page). */
export function decodeCursor(s: string | undefined): KeysetCursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString()) as { v?: unknown; id?: unknown };
    return typeof c.v === "string" && z.uuid().safeParse(c.id).success ? { v: c.v, id: c.id as string } : null;
  } catch {
    return null;
  }
}

export function pageParams(sp: { page?: string; q?: string }, pageSize = PAGE_SIZE) {
  const page = Math.max(1, Math.min(10_000, Number.parseInt(sp.page ?? "1", 10) || 1));
  const q = (sp.q ?? "").trim().slice(0, 100);
  return { page, q, limit: pageSize, offset: (page - 1) * pageSize };
}

/** A LIKE pattern matching `q` anywhere, with LIKE's own wildcards escaped (and NUL, which no text column holds, dropped). */
export function containsPattern(q: string): string {
  return `%${q.replace(/\0/g, "").replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Whether `column` contains `q`, ignoring case and accents ("unicode" finds "Ünïcødé"): both sides go through
 * tenancy_unaccent (migration 0014, an immutable wrapper of PostgreSQL's unaccent), so an index on
 * lower(tenancy_unaccent(column)) serves it.
 */
export function textContains(column: SQL | AnyColumn, q: string): SQL {
  return sql`lower(tenancy_unaccent(${column})) like lower(tenancy_unaccent(${containsPattern(q)}))`;
}

/** A list's search: any of `columns` contains `q` (ignoring case and accents), or no condition when `q` is empty. */
export function searchAny(q: string, ...columns: AnyColumn[]): SQL | undefined {
  if (!q) return undefined;
  return sql`(${sql.join(
    columns.map((c) => textContains(c, q)),
    sql` or `,
  )})`;
}
