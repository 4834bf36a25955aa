// next-auth configuration: e-mail + password, JWT sessions. Every request re-reads the user, so a deleted user is signed out.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { verifyCredentials } from "@/lib/auth";
import { AppError, UnavailableError, getLogger, safeRedirectPath } from "@/lib/core";
import { clientIp } from "@/lib/limits";
import { isDatabaseUnavailable } from "./unavailable";

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  secret: process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET,
  pages: { signIn: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "E-mail and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      // next-auth turns a thrown Error into `?error=<message>` (signIn()'s result.error): a refusal (too many attempts)
      // reaches the form in plain words; null is the one answer for a wrong password and an unknown address alike.
      async authorize(credentials, req) {
        try {
          return await verifyCredentials(credentials?.email ?? "", credentials?.password ?? "", { ip: clientIp(req?.headers) });
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
    // At sign-in the token takes the user's session version; getCurrentUser refuses it once the version has moved on.
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sessionVersion = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) Object.assign(session.user, { id: token.sub, sessionVersion: token.sessionVersion ?? 0 });
      return session;
    },
  },
};
