import NextAuth from "next-auth";
import { captureRefusal, retryAfterSeconds } from "@/lib/limits";
import { authOptions } from "@/lib/web";

const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

// A sign-in refused by a rate limit answers 429 with Retry-After; next-auth alone would say 401 (with the same message).
async function POST(req: Request, ctx: Context): Promise<Response> {
  const { result, refusal } = await captureRefusal(() => handler(req, ctx) as Promise<Response>);
  if (!refusal) return result;
  const headers = new Headers(result.headers);
  headers.set("Retry-After", String(retryAfterSeconds(refusal)));
  return new Response(result.body, { status: 429, headers });
}

export { handler as GET, POST };
