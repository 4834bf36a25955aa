// Search and pagination for every list: plain GET forms and links, so they work without JavaScript and can be bookmarked.
import Link from "next/link";

export function SearchBox({ q, label, param = "q", keep = {} }: { q: string; label: string; param?: string; keep?: Record<string, string | undefined> }) {
  return (
    <form role="search" className="flex gap-2" action="">
      {Object.entries(keep).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
      <label className="sr-only" htmlFor={`search-${param}`}>
        {label}
      </label>
      <input id={`search-${param}`} name={param} type="search" defaultValue={q} placeholder={label} className="input max-w-xs" />
      <button type="submit" className="btn btn-secondary">
        Search
      </button>
    </form>
  );
}

/** Previous/next links with "x–y of total"; `param` lets two lists on one page page independently. */
export function Pagination({
  page,
  pageSize,
  total,
  hrefFor,
  label,
}: {
  page: number;
  pageSize: number;
  total: number;
  hrefFor: (page: number) => string;
  label: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label={`${label} pages`} className="flex items-center justify-between gap-2 px-3 py-2 text-sm text-slate-600">
      <span>
        {from}–{to} of {total}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className="btn btn-secondary" href={hrefFor(page - 1)} rel="prev">
            Previous
          </Link>
        ) : null}
        {page < pages ? (
          <Link className="btn btn-secondary" href={hrefFor(page + 1)} rel="next">
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}

/**
 * Previous/next links for a list that knows only whether there is more on either side (keyset pages, or pages without
 * a total): nothing at all when it fits on one page. A list that pages forward only offers its first page instead of
 * the previous one (`first`).
 */
export function PrevNext({
  label,
  prev,
  first,
  next,
  last,
  className = "px-3 py-2",
}: {
  label: string;
  prev?: string | null;
  first?: string | null;
  next?: string | null;
  last?: string | null;
  className?: string;
}) {
  if (!prev && !first && !next && !last) return null;
  return (
    <nav aria-label={`${label} pages`} className={`flex items-center justify-end gap-2 text-sm ${className}`}>
      {first ? (
        <Link className="btn btn-secondary" href={first}>
          First page
        </Link>
      ) : null}
      {prev ? (
        <Link className="btn btn-secondary" href={prev} rel="prev">
          Previous
        </Link>
      ) : null}
      {next ? (
        <Link className="btn btn-secondary" href={next} rel="next">
          Next
        </Link>
      ) : null}
      {last ? (
        <Link className="btn btn-secondary" href={last}>
          Last page
        </Link>
      ) : null}
    </nav>
  );
}

/** Builds a URL for the current path with some search params replaced. */
export function withParams(path: string, current: Record<string, string | undefined>, changes: Record<string, string | number | undefined>) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...current, ...changes }))
    if (v !== undefined && v !== "" && !(k.endsWith("page") && String(v) === "1")) sp.set(k, String(v));
  const s = sp.toString();
  return s ? `${path}?${s}` : path;
}
