// Tokens for links (invitations, password resets, verifications). The database keeps only a token's SHA-256, and the
// e-mail record keeps only a nonce: the token is derived from the nonce with the installation's secret when the
// e-mail is rendered, so nothing read from the database alone rebuilds a usable link.
import { createHash, createHmac, randomBytes } from "node:crypto";
import { installationSecret } from "./env";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function secret(): string {
  const secret = installationSecret();
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: links can't be made without the installation's secret");
  return secret;
}

/** The token for a link of `purpose` with `nonce`: 256 bits, URL-safe. */
export function deriveLinkToken(purpose: string, nonce: string): string {
  return createHmac("sha256", secret()).update(`${purpose}:${nonce}`).digest("base64url");
}

/** A fresh link token: `nonce` goes with the e-mail, `hash` into the table that looks the token up, `token` nowhere. */
export function newLinkToken(purpose: string): { nonce: string; token: string; hash: string } {
  const nonce = randomBytes(16).toString("base64url");
  const token = deriveLinkToken(purpose, nonce);
  return { nonce, token, hash: hashToken(token) };
}
