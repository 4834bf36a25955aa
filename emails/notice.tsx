// A copy of a notice (or a reminder of it) for one recipient. Rendered once per notice and batch with placeholders,
// which the worker fills per person (name, account link), so rendering never holds up the provider.
import { Button, Section, Text } from "@react-email/components";
import { EmailLayout, button, paragraph } from "./layout";

export type NoticeEmailProps = {
  recipientName: string;
  title: string;
  /** The body rendered from Markdown and sanitised with the same allow-list as on the pages. */
  bodyHtml: string;
  senderName: string;
  partnerName: string;
  accountUrl: string;
  reminder: boolean;
  dueAt: string | null;
};

export function noticeSubject(p: NoticeEmailProps) {
  return `${p.reminder ? "Reminder: " : ""}${p.title}`;
}

export default function NoticeEmail({ recipientName, title, bodyHtml, senderName, partnerName, accountUrl, reminder, dueAt }: NoticeEmailProps) {
  return (
    <EmailLayout preview={`${partnerName}: ${title}`}>
      <Text style={paragraph}>{`Hello ${recipientName},`}</Text>
      <Text style={paragraph}>
        {reminder ? "a reminder: this notice from " : "a notice from "}
        <strong>
          {senderName} ({partnerName})
        </strong>{" "}
        is waiting for your acknowledgement{dueAt ? `, due ${dueAt}` : ""}.
      </Text>
      <Text style={{ ...paragraph, fontSize: "17px", fontWeight: 700 }}>{title}</Text>
      <Section style={{ ...paragraph, borderLeft: "3px solid #e5e7eb", paddingLeft: "12px" }}>
        <div dangerouslySetInnerHTML={{ __html: bodyHtml }} />
      </Section>
      <Button href={accountUrl} style={button}>
        Open it and acknowledge
      </Button>
    </EmailLayout>
  );
}

NoticeEmail.PreviewProps = {
  recipientName: "Ada Lovelace",
  title: "Maintenance on Friday",
  bodyHtml: "<p>Please <strong>save</strong> your work before 18:00 UTC.</p>",
  senderName: "Paula Partner",
  partnerName: "Cloud Partner GmbH",
  accountUrl: "http://localhost:3000/analytical-engines",
  reminder: false,
  dueAt: null,
} satisfies NoticeEmailProps;
