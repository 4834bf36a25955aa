// Dates as every page shows them: server time in UTC, as in the e-mails, so what a person reads matches what they were sent.

/** "2025-01-31 14:05 UTC" */
export const formatUtc = (at: Date) => `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** The day, with the exact time in a tooltip. */
export function Day({ at }: { at: Date }) {
  const iso = at.toISOString();
  return (
    <time dateTime={iso} title={formatUtc(at)}>
      {iso.slice(0, 10)}
    </time>
  );
}

/** Day and time to the second, for logs where the order within a day matters. */
export function Timestamp({ at }: { at: Date }) {
  const iso = at.toISOString();
  return <time dateTime={iso}>{iso.replace("T", " ").slice(0, 19)} UTC</time>;
}
