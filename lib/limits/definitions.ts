// The named limits, as data: how many attempts (points) per window, and how long a key stays refused once it has used
// them up. Each can be changed with RATE_LIMIT_<NAME>=points/windowSeconds[/blockSeconds] (tests use small numbers).

import { rateLimitOverride } from "@/lib/core";

export type Limit = {
  /** Also the key namespace and the environment override's suffix: RATE_LIMIT_<name>. */
  name: string;
  /** Attempts allowed per window. */
  points: number;
  windowSeconds: number;
  /** Once the points are used up, the key stays refused this long (0: until the window ends). */
  blockSeconds: number;
  /** The first sentence of the refusal; "Try again in …" follows. */
  refusal: string;
};

const MINUTE = 60;
const HOUR = 3600;

/** Sign-in attempts for one address (known or not), counted before the password is checked; a success resets it. */
export const SIGN_IN_PER_EMAIL: Limit = {
  name: "SIGN_IN_PER_EMAIL",
  points: 10,
  windowSeconds: 15 * MINUTE,
  blockSeconds: 15 * MINUTE,
  refusal: "Too many sign-in attempts.",
};

/** Sign-in attempts from one network address, whatever the e-mail; never reset by a success. */
export const SIGN_IN_PER_IP: Limit = {
  name: "SIGN_IN_PER_IP",
  points: 100,
  windowSeconds: 15 * MINUTE,
  blockSeconds: 15 * MINUTE,
  refusal: "Too many sign-in attempts.",
};

/** Sign-ups (accounts created) from one network address. */
export const SIGN_UP_PER_IP: Limit = {
  name: "SIGN_UP_PER_IP",
  points: 20,
  windowSeconds: HOUR,
  blockSeconds: 0,
  refusal: "Too many accounts were created from your network.",
};

/** Password-reset requests from one network address (whatever the address typed). */
export const RESET_PER_IP: Limit = {
  name: "RESET_PER_IP",
  points: 20,
  windowSeconds: HOUR,
  blockSeconds: 0,
  refusal: "Too many password reset requests.",
};

/** Password-reset e-mails to one address. Consume it for unknown addresses too, so the answer is the same. */
export const RESET_EMAIL_PER_ADDRESS: Limit = {
  name: "RESET_EMAIL_PER_ADDRESS",
  points: 3,
  windowSeconds: HOUR,
  blockSeconds: 0,
  refusal: "Too many password reset requests for this address.",
};

/** Verification e-mails to one address. */
export const VERIFY_EMAIL_PER_ADDRESS: Limit = {
  name: "VERIFY_EMAIL_PER_ADDRESS",
  points: 3,
  windowSeconds: HOUR,
  blockSeconds: 0,
  refusal: "Too many verification e-mails were requested for this address.",
};

/** Invitations created in one customer account (key: the account's id). */
export const INVITATIONS_PER_ACCOUNT: Limit = {
  name: "INVITATIONS_PER_ACCOUNT",
  points: 100,
  windowSeconds: HOUR,
  blockSeconds: 0,
  refusal: "This account has sent a lot of invitations in the last hour.",
};

/** The "someone is trying your password" e-mail: at most one per address per hour. */
export const FAILED_SIGN_IN_ALERT_PER_ADDRESS: Limit = {
  name: "FAILED_SIGN_IN_ALERT_PER_ADDRESS",
  points: 1,
  windowSeconds: HOUR,
  blockSeconds: 0,
  refusal: "A failed sign-in alert was sent to this address recently.",
};

/** The "someone tried to sign up with your address" e-mail: at most one per address per hour. */
export const SIGN_UP_ATTEMPT_ALERT_PER_ADDRESS: Limit = {
  name: "SIGN_UP_ATTEMPT_ALERT_PER_ADDRESS",
  points: 1,
  windowSeconds: HOUR,
  blockSeconds: 0,
  refusal: "A sign-up attempt notice was sent to this address recently.",
};

export const LIMITS = [
  SIGN_IN_PER_EMAIL,
  SIGN_IN_PER_IP,
  SIGN_UP_PER_IP,
  RESET_PER_IP,
  RESET_EMAIL_PER_ADDRESS,
  VERIFY_EMAIL_PER_ADDRESS,
  INVITATIONS_PER_ACCOUNT,
  FAILED_SIGN_IN_ALERT_PER_ADDRESS,
  SIGN_UP_ATTEMPT_ALERT_PER_ADDRESS,
] as const;

/** The limit as configured: RATE_LIMIT_<NAME>=points/windowSeconds[/blockSeconds] replaces the defaults above. */
export function configured(limit: Limit, env?: Record<string, string | undefined>): Limit {
  const o = rateLimitOverride(limit.name, env);
  return o ? { ...limit, points: o.points, windowSeconds: o.windowSeconds, blockSeconds: o.blockSeconds ?? limit.blockSeconds } : limit;
}
