// next-auth configuration: e-mail + password, JWT sessions that each carry the id of a session record. Every request
// re-reads the user with the record, so a deleted user, or one whose session ended, is signed out.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { db } from "@/db/client";
import { SESSION_MAX_AGE_SECONDS, createSession, isCookieSessionActive, verifyCredentials, type SessionClient } from "@/lib/auth";
import { AppError, UnavailableError, getLogger, installationSecret, safeRedirectPath } from "@/lib/core";
import { clientIp } from "@/lib/limits";
import { isDatabaseUnavailable } from "./unavailable";

/** Where a request comes from, for the session record it starts. */
export function sessionClientOf(headers: Headers | Record<string, string | string[] | undefined> | undefined | null): SessionClient {
  const ua = !headers
    ? null
    : typeof (headers as Headers).get === "function"
      ? (headers as Headers).get("user-agent")
      : (headers as Record<string, unknown>)["user-agent"];
  return { userAgent: typeof ua === "string" ? ua : null, ip: clientIp(headers) };
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  secret: installationSecret(),
  pages: { signIn: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      // next-auth turns a thrown Error into `?error=<message>` (signIn()'s result.error): a refusal (too many attempts)
      // reaches the form in plain words; null is the one answer for a wrong password and an unknown address alike.
      // A right password starts a session record here, where the request's headers are at hand (the jwt callback has none).
      async authorize(credentials, req) {
        try {
          const client = sessionClientOf(req?.headers);
          const user = await verifyCredentials(credentials?.email ?? "", credentials?.password ?? "", { ip: client.ip ?? undefined });
          if (!user) return null;
          return { ...user, sessionId: await createSession(db, user.id, client) };
        } catch (err) {
          if (err instanceof AppError) throw new Error(err.message);
          if (isDatabaseUnavailable(err)) throw new Error(new UnavailableError().message);
          getLogger("auth").error({ err }, "sign-in failed");
          throw new Error("Signing in failed on our side. Please try again in a moment.");
        }
      },
    }),
  ],
  callbacks: {
    // Where next-auth sends the browser after signing in or out (and what it stores in its callback-url cookie): only a
    // path on this site, judged like the sign-in page judges callbackUrl.
    redirect({ url, baseUrl }) {
      return new URL(safeRedirectPath(url, baseUrl), baseUrl).href;
    },
    // At sign-in the token takes the id of the session record authorize() started. Otherwise next-auth is reading a
    // token it issued (its own session route): a token whose record has ended is refused, and next-auth then clears it.
    async jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sid = (user as { sessionId?: string }).sessionId;
        return token;
      }
      if (typeof token.sid !== "string" || !token.sub || !(await isCookieSessionActive(db, token.sid, token.sub))) throw new Error("This session has ended.");
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) Object.assign(session.user, { id: token.sub });
      return session;
    },
  },
};
