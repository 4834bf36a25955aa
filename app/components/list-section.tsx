// The frame of every list: a titled section with its search on the right, and a card holding the table and its pages.
import type { ReactNode } from "react";

/** A section headed by an h2 and a line of description, with search and other tools beside the heading. */
export function ListSection({
  id,
  title,
  description,
  tools,
  children,
}: {
  id: string;
  title: string;
  description: ReactNode;
  tools?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h2 id={id} className="text-lg font-semibold">
            {title}
          </h2>
          <p className="text-sm text-slate-600">{description}</p>
        </div>
        {tools}
      </div>
      {children}
    </section>
  );
}

/**
 * A column heading; `hidden` keeps it for screen readers only (as for a column of buttons); `header` replaces the label
 * with something to act on (a sort link, a select-all box); `sort` is its aria-sort.
 */
export type Column = string | { label: string; hidden?: boolean; className?: string; header?: ReactNode; sort?: "ascending" | "descending" };

export const ACTIONS_COLUMN: Column = { label: "Actions", hidden: true };

/**
 * A table in a card that scrolls sideways on narrow screens. Rows come as children; `empty`, when given, is shown in
 * one full-width row instead (pass it only when there are no rows). `top` sits above the table (a create form),
 * `footer` below it (pagination). Columns that are `false` or `null` are left out.
 */
export function TableCard({
  columns,
  empty,
  top,
  footer,
  tableClassName = "",
  children,
}: {
  columns: (Column | false | null)[];
  empty?: ReactNode;
  top?: ReactNode;
  footer?: ReactNode;
  tableClassName?: string;
  children: ReactNode;
}) {
  const shown = columns.filter((c): c is Column => Boolean(c)).map((c) => (typeof c === "string" ? { label: c } : c));
  return (
    <div className="card overflow-hidden">
      {top}
      <div className="overflow-x-auto">
        <table className={`table ${tableClassName}`.trim()}>
          <thead>
            <tr>
              {shown.map((c) => (
                <th key={c.label} className={c.className} aria-sort={c.sort}>
                  {c.header ?? (c.hidden ? <span className="sr-only">{c.label}</span> : c.label)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {children}
            {empty ? (
              <tr>
                <td colSpan={shown.length} className="py-6 text-center text-slate-500">
                  {empty}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
      {footer}
    </div>
  );
}
