import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionToken, sessionTokenOf } from "./session-cookie";

const SECRET = "a secret of this installation";

describe("decodeSessionToken", () => {
  it("reads what next-auth's encode wrote, with the same secret only", async () => {
    const token = await encode({ token: { sub: "user-1", sid: "a-session-id", name: "Ada" }, secret: SECRET });
    expect(await decodeSessionToken(token, SECRET)).toMatchObject({ sub: "user-1", sid: "a-session-id", name: "Ada" });
    expect(await decodeSessionToken(token, "another secret")).toBeNull();
    // The key is derived once per secret: a second secret in the same process gets its own.
    expect(await decodeSessionToken(await encode({ token: { sub: "user-2" }, secret: "another secret" }), "another secret")).toMatchObject({ sub: "user-2" });
  });

  it("refuses an expired token, a tampered one and anything that is not a token", async () => {
    const expired = await encode({ token: { sub: "user-1" }, secret: SECRET, maxAge: -60 });
    expect(await decodeSessionToken(expired, SECRET)).toBeNull();
    // Within next-auth's 15 s of clock skew it still counts.
    expect(await decodeSessionToken(await encode({ token: { sub: "user-1" }, secret: SECRET, maxAge: -5 }), SECRET)).toMatchObject({ sub: "user-1" });
    const token = await encode({ token: { sub: "user-1" }, secret: SECRET });
    const parts = token.split(".");
    parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith("AA") ? "BB" : "AA");
    expect(await decodeSessionToken(parts.join("."), SECRET)).toBeNull();
    for (const junk of [undefined, "", "not.a.token", "a.b.c.d.e", "x".repeat(5000)]) expect(await decodeSessionToken(junk, SECRET)).toBeNull();
  });
});

describe("sessionTokenOf", () => {
  const name = "next-auth.session-token";
  it("takes the whole cookie, else joins next-auth's chunks in their order", () => {
    expect(
      sessionTokenOf(
        [
          { name: "other", value: "x" },
          { name, value: "whole" },
        ],
        name,
      ),
    ).toBe("whole");
    expect(
      sessionTokenOf(
        [
          { name: `${name}.1`, value: "second" },
          { name: `${name}.0`, value: "first" },
          { name: `${name}.x`, value: "not a chunk" },
        ],
        name,
      ),
    ).toBe("firstsecond");
    expect(sessionTokenOf([{ name: "__Secure-next-auth.session-token", value: "secure" }], name)).toBeUndefined();
  });
});
