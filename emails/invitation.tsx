// Invites a person into a customer account; the link carries a single-use token.
import { Button, Link, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";

export type InvitationEmailProps = {
  fullName: string;
  inviterName: string;
  accountName: string;
  groupLabel: string;
  acceptUrl: string;
  expiresAt: string;
};

export function invitationSubject(p: InvitationEmailProps) {
  return `${p.inviterName} invited you to ${p.accountName} on Tenancy`;
}

export default function InvitationEmail({ fullName, inviterName, accountName, groupLabel, acceptUrl, expiresAt }: InvitationEmailProps) {
  const expires = new Date(expiresAt).toUTCString();
  return (
    <EmailLayout preview={`Join ${accountName} on Tenancy`}>
      <Text style={paragraph}>Hello {fullName},</Text>
      <Text style={paragraph}>
        <strong>{inviterName}</strong> invited you to the customer account <strong>{accountName}</strong> as {groupLabel}.
      </Text>
      <Button href={acceptUrl} style={button}>
        Accept the invitation
      </Button>
      <Text style={paragraph}>
        The link works once and expires on {expires}. If the button does not work, open <Link href={acceptUrl}>{acceptUrl}</Link>.
      </Text>
      <Text style={{ ...paragraph, color: "#6b7280" }}>If you did not expect this invitation, you can ignore this e-mail.</Text>
    </EmailLayout>
  );
}

InvitationEmail.PreviewProps = {
  fullName: "Grace Hopper",
  inviterName: "Ada Lovelace",
  accountName: "Analytical Engines Ltd",
  groupLabel: "Customer Employee",
  acceptUrl: "http://localhost:3000/invitations/example-token",
  expiresAt: new Date(Date.UTC(2030, 0, 8)).toISOString(),
} satisfies InvitationEmailProps;
