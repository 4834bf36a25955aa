import { describe, expect, it } from "vitest";
import { createLogger, describeError, scrubSecrets } from "./log";

const TOKEN = "Qm9vb29vb29vb29vb29vb29vb29vb29vb29vb29vb28";
const UUID = "2e3054d5-f4e3-4b8a-824c-061c80a04ef1";

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ write: (l) => void lines.push(l) }, "debug") };
}

describe("logs", () => {
  it("redact fields that hold secrets, at the top and one level down", () => {
    const { lines, logger } = capture();
    logger.info({ password: "hunter2", token: TOKEN, email: { html: "<p>body</p>", props: { acceptUrl: "x" } }, emailId: UUID }, "sent");
    const line = lines.join("");
    expect(line).not.toContain("hunter2");
    expect(line).not.toContain(TOKEN);
    expect(line).not.toContain("<p>body</p>");
    expect(line).toContain(UUID);
    expect(JSON.parse(line)).toMatchObject({ level: 30, msg: "sent", password: "[redacted]" });
  });

  it("log a query error by type and code, never by its message (which holds the parameters)", () => {
    const pg = Object.assign(new Error(`invalid input syntax for type uuid: "${TOKEN}"`), { name: "PostgresError", code: "22P02", routine: "string_to_uuid" });
    const query = Object.assign(new Error(`Failed query: select $1::uuid\nparams: ${TOKEN}`), { name: "DrizzleQueryError", cause: pg });
    const described = describeError(query);
    expect(JSON.stringify(described)).not.toContain(TOKEN);
    expect(described).toMatchObject({ type: "DrizzleQueryError", cause: { type: "PostgresError", code: "22P02", routine: "string_to_uuid" } });
    expect(described.message).toBeUndefined();

    const { lines, logger } = capture();
    logger.error({ err: query }, "unexpected error");
    expect(lines.join("")).not.toContain(TOKEN);
    expect(lines.join("")).toContain('"code":"22P02"');
  });

  it("keep other errors' messages, with links and token-like strings taken out", () => {
    const err = new Error(`could not open http://app.test/invitations/${TOKEN}?x=1 for ${UUID} (job email-${UUID}-2)`);
    const { message } = describeError(err) as { message: string };
    expect(message).toBe(`could not open http://app.test/[redacted] for ${UUID} (job email-${UUID}-2)`);
    expect(scrubSecrets(`see /reset-password/${TOKEN.slice(0, 20)}`)).toBe("see /reset-password/[redacted]");
    expect(scrubSecrets("redis://:pass@host:6379 down")).toBe("redis://[redacted]@host:6379 down");
    expect(scrubSecrets("https://user:pw@host.test/")).toBe("https://host.test");
    expect(describeError("a string with a secret")).toEqual({ type: "string" });
  });
});
