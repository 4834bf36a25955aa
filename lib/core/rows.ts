// Rows of raw SQL, parsed where the query is written: the schema says which columns a query returns and their types,
// so a renamed column fails loudly here instead of turning into `undefined` downstream. Raw queries give timestamps
// back as text and bigints as strings; the column types below turn them into what the code means.
import { z } from "zod";

/** A timestamp column: text from a raw query, a Date from drizzle's query builder. */
export const timestampColumn = z.union([z.date(), z.string().transform((s) => new Date(s))]);
/** A count or bigint column (`count(*)` comes back as a string unless cast to int). */
export const countColumn = z.union([z.number(), z.string().transform(Number)]);

/** Every row of a raw query's result, parsed. */
export function parseRows<S extends z.ZodType>(schema: S, result: Iterable<unknown>): z.output<S>[] {
  return z.array(schema).parse([...result]);
}

/** The first row of a raw query's result, parsed, or null when there is none. */
export function parseRow<S extends z.ZodType>(schema: S, result: Iterable<unknown>): z.output<S> | null {
  for (const row of result) return schema.parse(row);
  return null;
}

/** The number a `select count(*) as n …` query gives (0 when it gives no row). */
export function countIn(result: Iterable<unknown>): number {
  return parseRow(z.object({ n: countColumn }), result)?.n ?? 0;
}
