// Sent to whoever asked for a deletion of customers once the worker has finished it.
import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";
import { counted } from "@/lib/core";

export type DeletionReportEmailProps = {
  name: string;
  /** What was deleted, in words ("3 customers", "the group Enterprise"). */
  label: string;
  customers: number;
  users: number;
  projects: number;
  /** People who also belonged to other customers: they stay, without these memberships. */
  usersKept: number;
  startedAt: string;
  finishedAt: string;
  deletionUrl: string;
};

export function deletionReportSubject(p: DeletionReportEmailProps) {
  return `Deleted: ${p.label} (${counted.customers(p.customers)})`;
}

export default function DeletionReportEmail({
  name,
  label,
  customers,
  users,
  projects,
  usersKept,
  startedAt,
  finishedAt,
  deletionUrl,
}: DeletionReportEmailProps) {
  const seconds = Math.max(1, Math.round((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000));
  return (
    <EmailLayout preview={`${label}: deleted`}>
      <Text style={paragraph}>Hello {name},</Text>
      <Text style={paragraph}>
        the deletion you asked for — {label} — is finished. {counted.customers(customers)}, {counted.users(users)} and {counted.projects(projects)} were deleted
        in {counted.seconds(seconds)}.{usersKept > 0 ? ` ${counted.peopleKeepMemberships(usersKept)}.` : ""}
      </Text>
      <Text style={paragraph}>Their identifiers stay reserved for a while, so nobody else can take them.</Text>
      <Button href={deletionUrl} style={button}>
        See the deletion
      </Button>
    </EmailLayout>
  );
}

DeletionReportEmail.PreviewProps = {
  name: "Ada Lovelace",
  label: "the group Enterprise",
  customers: 42,
  users: 310,
  projects: 57,
  usersKept: 3,
  startedAt: new Date(Date.UTC(2030, 0, 8, 9, 30)).toISOString(),
  finishedAt: new Date(Date.UTC(2030, 0, 8, 9, 31)).toISOString(),
  deletionUrl: "http://localhost:3000/acme-partner/admin/deletions/00000000-0000-0000-0000-000000000000",
} satisfies DeletionReportEmailProps;
