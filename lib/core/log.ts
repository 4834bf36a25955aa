// Logs: one JSON object a line with a level (pino) when stdout is not a terminal, a readable line when it is. No line
// may carry a secret however an error arises: fields that hold secrets are redacted by name, and errors are logged by
// type, code and stack frames; a query error's message (drizzle's "Failed query: … params: …") never appears.
import pino, { type Logger } from "pino";
import { getEnv } from "./env";

export type { Logger };

/** Where log lines go: anything with write(line). */
export type LogSink = { write(line: string): void };

const SECRET_FIELDS = [
  "password",
  "passwordHash",
  "newPassword",
  "token",
  "tokenHash",
  "nonce",
  "secret",
  "authorization",
  "cookie",
  "link",
  "url",
  "acceptUrl",
  "resetUrl",
  "verifyUrl",
  "html",
  "text",
  "body",
  "props",
  "params",
  "parameters",
  "query",
];
const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`]);

const QUERY_ERROR_NAMES = new Set(["DrizzleQueryError", "PostgresError", "DatabaseError"]);
const SAFE_FIELDS = ["code", "status", "statusCode", "errno", "syscall", "constraint_name", "table_name", "column_name", "routine"] as const;

/** Whether the error's message may hold query parameters or values from rows: those are never logged. */
function isQueryError(err: Error): boolean {
  return QUERY_ERROR_NAMES.has(err.name) || err.message.startsWith("Failed query") || "parameters" in err || "params" in err || "query" in err;
}

// Ids stay readable: a UUID, or a job id made of one (`email-<uuid>-2`).
const ID = /^([a-z]+-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(-\d+)?$/i;

/** Text with what could be a secret taken out: credentials in URLs, web URLs but their origin, long token-like strings. */
export function scrubSecrets(text: string): string {
  return text
    .replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"']*@/gi, "$1[redacted]@")
    .replace(/\bhttps?:\/\/[^\s"'<>)]+/gi, (url) => {
      try {
        const u = new URL(url);
        return `${u.protocol}//${u.host}${u.pathname === "/" && !u.search ? "" : "/[redacted]"}`;
      } catch {
        return "[url]";
      }
    })
    .replace(/\/(invitations|reset-password|verify-email)\/[^\s"'<>)]+/g, "/$1/[redacted]")
    .replace(/[A-Za-z0-9_-]{32,}/g, (s) => (ID.test(s) ? s : "[redacted]"));
}

/** An error as a log field: type, code-like fields, its message only when it can't hold query values, stack frames. */
export function describeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: err === null ? "null" : typeof err };
  const e = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: e.name || e.constructor?.name || "Error" };
  for (const k of SAFE_FIELDS) if (typeof e[k] === "string" || typeof e[k] === "number") out[k] = e[k];
  if (!isQueryError(e) && e.message) out.message = scrubSecrets(e.message).slice(0, 500);
  const frames = (e.stack ?? "")
    .split("\n")
    .filter((l) => l.startsWith("    at "))
    .slice(0, 8)
    .map((l) => scrubSecrets(l.trim()));
  if (frames.length && depth === 0) out.stack = frames;
  if (depth < 3 && e.cause !== undefined) out.cause = describeError(e.cause, depth + 1);
  if (depth < 3 && Array.isArray(e.errors)) out.errors = e.errors.slice(0, 3).map((x) => describeError(x, depth + 1));
  return out;
}

const LEVEL_NAMES: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

/** A human line from pino's JSON: time, level, [name], message, then the other fields as key=value. */
function prettyLine(json: string): string {
  try {
    const { level, time, name, msg, pid: _pid, hostname: _host, ...rest } = JSON.parse(json) as Record<string, unknown>;
    const when = typeof time === "string" ? time.slice(11, 19) : "";
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
      .join(" ");
    return `${when} ${(LEVEL_NAMES[level as number] ?? String(level)).padEnd(5)} ${name ? `[${name}] ` : ""}${msg ?? ""}${fields ? ` ${fields}` : ""}\n`;
  } catch {
    return json;
  }
}

function defaultSink(): LogSink {
  if (typeof process === "undefined" || !process.stdout) return { write: (line) => console.log(line.trimEnd()) };
  if (process.stdout.isTTY) return { write: (line) => process.stdout.write(prettyLine(line)) };
  return { write: (line) => process.stdout.write(line) };
}

let sink: LogSink | null = null;
let root: Logger | null = null;
const switchable: LogSink = { write: (line) => (sink ??= defaultSink()).write(line) };

/** A logger with the house settings (redaction, error serializer, ISO time) writing to `to`. */
export function createLogger(to: LogSink, level: string = getEnv().LOG_LEVEL): Logger {
  return pino(
    {
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { err: describeError, error: describeError },
    },
    to,
  );
}

/** The process's logger, or a child of it named `name` (e.g. "worker", "relay"). */
export function getLogger(name?: string): Logger {
  root ??= createLogger(switchable);
  return name ? root.child({ name }) : root;
}

/** Sends every log line of the process to `to` (null: back to stdout). For tests and embedding. */
export function setLogSink(to: LogSink | null): void {
  sink = to;
}
