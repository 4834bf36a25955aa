// Sent to an address's owner after several failed sign-ins in a short time (at most one an hour).
import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";
import { counted } from "@/lib/core";

export type FailedSignInsEmailProps = {
  name: string;
  /** Failed attempts since the last successful sign-in, within the window. */
  attempts: number;
  windowMinutes: number;
  lastAttemptAt: string;
  /** The network address of the last attempt, as the server saw it; null when unknown. */
  ipAddress: string | null;
  signInUrl: string;
};

export function failedSignInsSubject(p: FailedSignInsEmailProps) {
  return `${p.attempts} failed sign-in attempts on your Tenancy account`;
}

export default function FailedSignInsEmail({ name, attempts, windowMinutes, lastAttemptAt, ipAddress, signInUrl }: FailedSignInsEmailProps) {
  const when = new Date(lastAttemptAt).toUTCString();
  return (
    <EmailLayout preview={`${attempts} failed sign-in attempts on your account`}>
      <Text style={paragraph}>Hello {name},</Text>
      <Text style={paragraph}>
        someone tried to sign in to your Tenancy account with a wrong password {attempts} times within {counted.minutes(windowMinutes)}. The last attempt was on{" "}
        {when}
        {ipAddress ? ` from the network address ${ipAddress}` : ""}.
      </Text>
      <Text style={paragraph}>
        If that was you, there is nothing to do. If not, your account is still safe: after a few more wrong attempts Tenancy refuses further ones for a while.
        Make sure your password is long and not used anywhere else.
      </Text>
      <Button href={signInUrl} style={button}>
        Sign in to Tenancy
      </Button>
      <Text style={{ ...paragraph, color: "#6b7280" }}>We send this notice at most once an hour.</Text>
    </EmailLayout>
  );
}

FailedSignInsEmail.PreviewProps = {
  name: "Ada Lovelace",
  attempts: 5,
  windowMinutes: 15,
  lastAttemptAt: new Date(Date.UTC(2030, 0, 8, 9, 30)).toISOString(),
  ipAddress: "203.0.113.7",
  signInUrl: "http://localhost:3000/sign-in",
} satisfies FailedSignInsEmailProps;
