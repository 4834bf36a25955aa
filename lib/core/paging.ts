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
export function decodeCursor(s: string | null | undefined): KeysetCursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString()) as { v?: unknown; id?: unknown };
    return typeof c.v === "string" && !c.v.includes("\0") && z.uuid().safeParse(c.id).success ? { v: c.v, id: c.id as string } : null;
  } catch {
    return null;
  }
}

/**
 * One page of any list: its rows and the cursors of the pages either side (null at an end). Every list in lib/ pages
 * by keyset on (sort value, id), never by OFFSET, so its last page costs what its first does.
 */
export type KeysetPage<T> = { rows: T[]; next: string | null; prev: string | null };

/**
 * What a caller asks of a list: the page after one cursor or before another, and how many rows. `before: LAST_PAGE`
 * (or anything else that is no cursor) asks for the last page: walking back from the end.
 */
export type PageRequest = { after?: string | null; before?: string | null; limit?: number };

export const LAST_PAGE = "last";

/**
 * The type of a list's sort key, so a cursor's value is compared as the index's type (`::timestamptz`, `::int`). A
 * cursor whose value is not of that type (a hand-made URL) is no cursor: the list starts from its first page instead
 * of PostgreSQL refusing the cast.
 */
export type SortType = "text" | "int" | "timestamptz" | "uuid";

const CASTS: Record<SortType, SQL> = { text: sql``, int: sql`::int`, timestamptz: sql`::timestamptz`, uuid: sql`::uuid` };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// As PostgreSQL prints a timestamptz (and ISO 8601): date, time, optional fraction and offset.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/** Whether PostgreSQL would read `v` as a value of `type` (so the cursor's cast cannot fail). */
export function castable(v: string, type: SortType): boolean {
  switch (type) {
    case "text":
      return true;
    case "uuid":
      return UUID.test(v);
    case "int":
      return /^-?\d{1,10}$/.test(v) && Math.abs(Number(v)) <= 2147483647;
    case "timestamptz": {
      const m = TIMESTAMP.exec(v);
      if (!m) return false;
      const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
      const day = new Date(Date.UTC(y, mo - 1, d));
      return y >= 1 && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
    }
  }
}

/** A page request read: its size clamped, its direction, its cursor (none for the first page), and the key's type. */
export type Keyset = { limit: number; backwards: boolean; cursor: KeysetCursor | null; type: SortType };

export function keysetOf(req: PageRequest, size: { default: number; max: number } = { default: 25, max: 100 }, type: SortType = "text"): Keyset {
  const limit = Math.min(size.max, Math.max(1, Math.floor(req.limit ?? size.default) || size.default));
  const backwards = Boolean(req.before) && !req.after;
  const cursor = decodeCursor(backwards ? req.before : req.after);
  return { limit, backwards, cursor: cursor && castable(cursor.v, type) ? cursor : null, type };
}

/**
 * The condition and order of a keyset page over (`key`, `id`) sorted `dir`: rows past the cursor, in the order that
 * reaches them first (flipped when walking backwards; keysetPage flips the rows back). The cursor's value is cast to
 * the key's type (keysetOf's `type`), so the comparison is the index's. `nullsLast` matches an index declared
 * `DESC NULLS LAST` (the columns must be NOT NULL: a row comparison skips nulls). Select `key::text as sort_value` and
 * `limit k.limit + 1`.
 */
export function keysetClauses(k: Keyset, key: SQL, id: SQL, dir: "asc" | "desc" = "asc", nullsLast = false) {
  const ascending = (dir === "asc") !== k.backwards;
  const order = ascending ? sql`asc` : sql`desc`;
  // Walking a DESC NULLS LAST index backwards reads ASC NULLS FIRST.
  const nulls = !nullsLast ? sql`` : ascending ? sql` nulls first` : sql` nulls last`;
  return {
    where: k.cursor ? sql`(${key}, ${id}) ${ascending ? sql`>` : sql`<`} (${k.cursor.v}${CASTS[k.type]}, ${k.cursor.id}::uuid)` : sql`true`,
    orderBy: sql`${key} ${order}${nulls}, ${id} ${order}${nulls}`,
  };
}

/**
 * The page from the rows a keyset query read (`limit + 1` of them, in the order it walked): the extra row only says
 * there is more that way; each end's cursor is made from its row's sort value as PostgreSQL printed it (a JS Date would
 * drop the microseconds and repeat a row).
 */
export function keysetPage<R extends { sort_value: string; id: string }, T>(rows: R[], k: Keyset, view: (r: R) => T): KeysetPage<T> {
  const more = rows.length > k.limit;
  const page = rows.slice(0, k.limit);
  if (k.backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const cursorOf = (r: R) => encodeCursor({ v: r.sort_value, id: r.id });
  return {
    rows: page.map(view),
    next: last && (k.backwards ? Boolean(k.cursor) : more) ? cursorOf(last) : null,
    prev: first && (k.backwards ? more : Boolean(k.cursor)) ? cursorOf(first) : null,
  };
}

/** A list's search as typed: trimmed, at most 100 characters, without NUL (which PostgreSQL refuses in text). */
export function searchTerm(q: string | null | undefined): string {
  return (q ?? "").replace(/\0/g, "").trim().slice(0, 100);
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
