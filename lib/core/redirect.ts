// Where to send someone after signing in (a `callbackUrl`): only ever a path on this site, whatever form the value takes.

/** Longer values are not links anyone meant to follow; refusing them also bounds the work done on untrusted input. */
export const MAX_REDIRECT_LENGTH = 2048;

/**
 * The path (with query and fragment) `value` points at when it stays on `appOrigin`, else `fallback`.
 *
 * `value` is resolved the way a browser resolves a link (`new URL(value, origin)`), so every spelling a browser
 * reads as another site (`//evil`, `/\evil`, `\\evil`, `/\t/evil`, `https:evil`, `javascript:…`) resolves to
 * another origin and is refused, while an absolute URL on this site (as next-auth hands over) becomes its path. The
 * result is refused too when it would itself read as another site: a path that starts with two slashes (`/.//evil`
 * resolves to `//evil`) or does once percent-decoded (`/%2F%2Fevil`, `/%09/evil`), for code further on that decodes
 * it.
 */
export function safeRedirectPath(value: unknown, appOrigin: string, fallback = "/"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_REDIRECT_LENGTH) return fallback;
  let app: URL;
  let url: URL;
  try {
    app = new URL(appOrigin);
    url = new URL(value, app.origin);
  } catch {
    return fallback;
  }
  // The scheme too: a blob: URL reports the origin of the URL inside it.
  if (app.origin === "null" || url.origin !== app.origin || url.protocol !== app.protocol) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith("/") || readsAsOtherSite(url.pathname) || new URL(path, app.origin).origin !== app.origin) return fallback;
  return path;
}

/**
 * True when the path starts with two slashes or backslashes (interchangeable in http(s) URLs) once blanks between them
 * are dropped: URL parsers drop tabs and newlines, and no link of ours has a control character or space there.
 * Decoded until nothing changes (a few rounds at most), so `/%252F%252Fevil` counts as well as `/%2F%2Fevil`.
 */
function readsAsOtherSite(pathname: string): boolean {
  let current = pathname;
  for (let round = 0; round < 4; round++) {
    if (startsWithTwoSlashes(current)) return true;
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return true; // malformed percent-encoding: no page of ours has such a path
    }
    if (decoded === current) return false;
    current = decoded;
  }
  return true; // still encoded after several rounds: not a path anyone links to
}

const isSlash = (char: string | undefined) => char === "/" || char === "\\";

function startsWithTwoSlashes(path: string): boolean {
  if (!isSlash(path[0])) return false;
  let i = 1;
  while (i < path.length && path.charCodeAt(i) <= 0x20) i++;
  return isSlash(path[i]);
}
