// A "forgot your password" link: one hour, one use. The worker fills in `resetUrl` when it renders the e-mail, so the
// usable link is never stored.
import { Button, Link, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";

export type PasswordResetEmailProps = { name: string; resetUrl: string };

export function passwordResetSubject() {
  return "Choose a new Tenancy password";
}

export default function PasswordResetEmail({ name, resetUrl }: PasswordResetEmailProps) {
  return (
    <EmailLayout preview="Your link to choose a new password">
      <Text style={paragraph}>Hello {name},</Text>
      <Text style={paragraph}>someone, hopefully you, asked to reset the password of your Tenancy account. Choose a new one here:</Text>
      <Button href={resetUrl} style={button}>
        Choose a new password
      </Button>
      <Text style={paragraph}>
        The link works once, for one hour. Choosing a new password signs you out on every device. If the button does not work, open{" "}
        <Link href={resetUrl}>{resetUrl}</Link>.
      </Text>
      <Text style={{ ...paragraph, color: "#6b7280" }}>If you did not ask for this, ignore this e-mail: your password stays as it is.</Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  name: "Ada Lovelace",
  resetUrl: "http://localhost:3000/reset-password/example-token",
} satisfies PasswordResetEmailProps;
