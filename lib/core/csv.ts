// CSV for downloads: cells escaped for spreadsheets (RFC 4180 quoting, and no cell a spreadsheet would run as a
// formula), written as a stream that reads its next page only when the reader asks for more, so memory stays flat
// however many rows go out and a reader that stops reading stops the reads.

/**
 * One cell. A leading =, +, -, @ (or a tab or carriage return, which some spreadsheets skip before one) would make a
 * spreadsheet run the cell as a formula: a quote in front makes it text (OWASP's advice against CSV injection).
 */
export function csvCell(value: unknown): string {
  let s = value instanceof Date ? value.toISOString() : value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line, CRLF-terminated as RFC 4180 says. */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}

export type CsvPage<R> = { rows: R[]; next: string | null };

/**
 * A CSV stream: the header and `first` page, then `page(next)` for each following page, one at a time and only when
 * the reader wants more (no page is read ahead). Cancelling (the client went away) waits for a read under way to end
 * and starts no other.
 */
export function csvStream<R>(opts: {
  header: readonly string[];
  cells: (row: R) => readonly unknown[];
  first: CsvPage<R>;
  page: (after: string) => Promise<CsvPage<R>>;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const lines = (rows: R[]) => rows.map((r) => csvLine(opts.cells(r))).join("");
  let next: string | null | undefined = undefined;
  let cancelled = false;
  let reading: Promise<unknown> = Promise.resolve();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next === undefined) {
          controller.enqueue(encoder.encode(csvLine(opts.header) + lines(opts.first.rows)));
          next = opts.first.next;
          return;
        }
        if (next === null) return controller.close();
        const read = opts.page(next);
        reading = read.catch(() => {});
        const page = await read;
        if (cancelled) return;
        next = page.next;
        // An empty page with more after it would leave the reader without bytes; the stream asks again.
        controller.enqueue(encoder.encode(lines(page.rows)));
      },
      async cancel() {
        cancelled = true;
        await reading;
      },
    },
    // Nothing is read before the reader asks: the stream's own buffer holds no page.
    { highWaterMark: 0 },
  );
}
