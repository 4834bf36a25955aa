// Sent once after sign-up.
import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";

export type WelcomeEmailProps = { name: string; accountName: string; identifier: string; accountUrl: string };

export function welcomeSubject(p: WelcomeEmailProps) {
  return `Welcome to Tenancy, ${p.name}`;
}

export default function WelcomeEmail({ name, accountName, identifier, accountUrl }: WelcomeEmailProps) {
  return (
    <EmailLayout preview={`Your customer account ${accountName} is ready`}>
      <Text style={paragraph}>Hello {name},</Text>
      <Text style={paragraph}>
        your customer account <strong>{accountName}</strong> is ready. Its identifier is <strong>{identifier}</strong>; it names the account on every connected
        platform and never changes.
      </Text>
      <Text style={paragraph}>From the account you can invite your colleagues, create projects and keep your billing details up to date.</Text>
      <Button href={accountUrl} style={button}>
        Open {accountName}
      </Button>
    </EmailLayout>
  );
}

WelcomeEmail.PreviewProps = {
  name: "Ada Lovelace",
  accountName: "Analytical Engines Ltd",
  identifier: "analytical-engines",
  accountUrl: "http://localhost:3000/analytical-engines",
} satisfies WelcomeEmailProps;
