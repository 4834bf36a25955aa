// The links of a keyset page (lib/core's KeysetPage): its cursors go into the URL as `after` and `before`, prefixed
// when a second list on the same page pages on its own.
import { LAST_PAGE, type KeysetPage } from "@/lib/core";
import { PrevNext, withParams } from "./list-controls";

export function KeysetPager({
  label,
  page,
  base,
  current,
  prefix = "",
  ends = false,
  total,
  className,
}: {
  label: string;
  page: Pick<KeysetPage<unknown>, "next" | "prev">;
  base: string;
  /** The URL's other params, kept (without this list's own cursor). */
  current: Record<string, string | undefined>;
  prefix?: string;
  /** Also offer the first and the last page. */
  ends?: boolean;
  /** How many rows the list has in all (shown beside the links when given). */
  total?: number;
  className?: string;
}) {
  const at = (after?: string, before?: string) => withParams(base, current, { [`${prefix}after`]: after, [`${prefix}before`]: before });
  const links = (
    <PrevNext
      label={label}
      className={total === undefined ? className : ""}
      first={ends && page.prev ? at() : null}
      prev={page.prev ? at(undefined, page.prev) : null}
      next={page.next ? at(page.next) : null}
      last={ends && page.next ? at(undefined, LAST_PAGE) : null}
    />
  );
  if (total === undefined) return links;
  return (
    <div className={`flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600 ${className ?? "px-3 py-2"}`}>
      <span data-testid="list-total">{total.toLocaleString("en")} in all</span>
      {links}
    </div>
  );
}
