// Sent to an address's owner when someone signs up with it: the sign-up page answers as for a new address, so the
// person who tried learns nothing, and the owner learns what happened and what to do.
import { Button, Link, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";

export type SignUpAttemptEmailProps = {
  name: string;
  signInUrl: string;
  resetUrl: string;
};

export function signUpAttemptSubject() {
  return "Someone tried to sign up with your address";
}

export default function SignUpAttemptEmail({ name, signInUrl, resetUrl }: SignUpAttemptEmailProps) {
  return (
    <EmailLayout preview="Someone tried to create a Tenancy account with your e-mail address">
      <Text style={paragraph}>Hello {name},</Text>
      <Text style={paragraph}>
        someone tried to create a new Tenancy account with this e-mail address. You already have an account, so none was created and nothing about your account
        changed.
      </Text>
      <Text style={paragraph}>If that was you, sign in to your existing account instead:</Text>
      <Button href={signInUrl} style={button}>
        Sign in to Tenancy
      </Button>
      <Text style={paragraph}>
        Forgot your password? <Link href={resetUrl}>Choose a new one</Link>. If it wasn&apos;t you, you can ignore this e-mail.
      </Text>
      <Text style={{ ...paragraph, color: "#6b7280" }}>We send this notice at most once an hour.</Text>
    </EmailLayout>
  );
}

SignUpAttemptEmail.PreviewProps = {
  name: "Ada Lovelace",
  signInUrl: "http://localhost:3000/sign-in",
  resetUrl: "http://localhost:3000/forgot-password",
} satisfies SignUpAttemptEmailProps;
