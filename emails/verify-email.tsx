// Confirms that an address belongs to the person: their own after sign-up, or the one they asked to change to. The
// worker fills in `verifyUrl` when it renders the e-mail, so the usable link is never stored.
import { Button, Link, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";

export type VerifyEmailProps = {
  name: string;
  email: string;
  /** "address": confirm the address of an existing sign-in; "change": make this the new address of a sign-in. */
  kind: "address" | "change";
  verifyUrl: string;
  /** Where the owner of the address can take over a registration they did not make. */
  forgotPasswordUrl: string;
};

export function verifyEmailSubject(p: VerifyEmailProps) {
  return p.kind === "change" ? "Confirm your new e-mail address for Tenancy" : "Confirm your e-mail address for Tenancy";
}

export default function VerifyEmail({ name, email, kind, verifyUrl, forgotPasswordUrl }: VerifyEmailProps) {
  return (
    <EmailLayout preview={`Confirm that ${email} is yours`}>
      <Text style={paragraph}>Hello {name},</Text>
      <Text style={paragraph}>
        {kind === "change" ? (
          <>
            you asked to sign in to Tenancy with <strong>{email}</strong> from now on. Your address changes when you confirm it:
          </>
        ) : (
          <>
            please confirm that <strong>{email}</strong> is your address:
          </>
        )}
      </Text>
      <Button href={verifyUrl} style={button}>
        Confirm {email}
      </Button>
      <Text style={paragraph}>
        You confirm while signed in to Tenancy. The link works once, for 48 hours. If the button does not work, open <Link href={verifyUrl}>{verifyUrl}</Link>.
      </Text>
      {kind === "change" ? (
        <Text style={{ ...paragraph, color: "#6b7280" }}>If you did not ask for this, ignore this e-mail: nothing changes.</Text>
      ) : (
        <Text style={{ ...paragraph, color: "#6b7280" }}>
          If you did not sign up, someone else used your address. You can take the registration over by choosing a new password at{" "}
          <Link href={forgotPasswordUrl}>{forgotPasswordUrl}</Link>; that signs everyone else out of it.
        </Text>
      )}
    </EmailLayout>
  );
}

VerifyEmail.PreviewProps = {
  name: "Ada Lovelace",
  email: "ada@analytical-engines.example",
  kind: "address",
  verifyUrl: "http://localhost:3000/verify-email/example-token",
  forgotPasswordUrl: "http://localhost:3000/forgot-password",
} satisfies VerifyEmailProps;
