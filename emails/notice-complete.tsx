// To the sender of a notice once every recipient has acknowledged it (Single read only: every customer closed it).
import { Button, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";
import { counted } from "@/lib/core";

export type NoticeCompleteEmailProps = { name: string; title: string; single: boolean; count: number; trackingUrl: string };

export function noticeCompleteSubject(p: NoticeCompleteEmailProps) {
  return `Everyone acknowledged: ${p.title}`;
}

export default function NoticeCompleteEmail({ name, title, single, count, trackingUrl }: NoticeCompleteEmailProps) {
  return (
    <EmailLayout preview={`Your notice ${title} is acknowledged`}>
      <Text style={paragraph}>Hello {name},</Text>
      <Text style={paragraph}>
        your notice <strong>{title}</strong> is done: {single ? counted.customersClosed(count) : counted.recipientsAcknowledged(count)}.
      </Text>
      <Button href={trackingUrl} style={button}>
        See who and when
      </Button>
    </EmailLayout>
  );
}

NoticeCompleteEmail.PreviewProps = {
  name: "Paula Partner",
  title: "Maintenance on Friday",
  single: false,
  count: 42,
  trackingUrl: "http://localhost:3000/cloud-partner/admin/notices/00000000-0000-0000-0000-000000000000",
} satisfies NoticeCompleteEmailProps;
