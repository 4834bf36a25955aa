// Starts a next-auth session from a server action (after sign-up, accepting an invitation, or re-issuing the current
// session after the session version moved on), in next-auth's own JWT format.
import { encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { authOptions } from "./auth-options";

export async function startSession(user: { id: string; email: string; name: string; sessionVersion: number }): Promise<void> {
  const maxAge = authOptions.session?.maxAge ?? 30 * 24 * 3600;
  const secret = authOptions.secret;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  const token = await encode({ token: { sub: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion }, secret, maxAge });
  const secure = (process.env.NEXTAUTH_URL ?? "").startsWith("https://");
  (await cookies()).set(secure ? "__Secure-next-auth.session-token" : "next-auth.session-token", token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure,
    maxAge,
  });
}
