import NextAuth from "next-auth";
import { captureRefusal, retryAfterSeconds } from "@/lib/limits";
import { authOptions, endThisSessionRecord, publicRoute } from "@/lib/web";

const handler = NextAuth(authOptions);

type Segments = { nextauth: string[] };
const nextAuth = (req: Request, params: Segments) => handler(req, { params: Promise.resolve(params) }) as Promise<Response>;

export const GET = publicRoute<Segments>(nextAuth);

// A sign-in refused by a rate limit answers 429 with Retry-After; next-auth alone would say 401 (with the same message).
//
// Signing out here ends the session's record first, as the settings menu's sign-out does: with the database out of
// reach the answer is 503 and the cookie stays, instead of a cleared cookie whose copies still open every page.
export const POST = publicRoute<Segments>(async (req, params) => {
  if (params.nextauth[0] === "signout") await endThisSessionRecord();
  const { result, refusal } = await captureRefusal(() => nextAuth(req, params));
  if (!refusal) return result;
  const headers = new Headers(result.headers);
  headers.set("Retry-After", String(retryAfterSeconds(refusal)));
  return new Response(result.body, { status: 429, headers });
});
