// The registry of templates: name → component and subject. Jobs render by name with the props stored on the e-mail record.
import { render } from "@react-email/render";
import { createElement, type ComponentType } from "react";
import DeletionReportEmail, { deletionReportSubject, type DeletionReportEmailProps } from "./deletion-report";
import FailedSignInsEmail, { failedSignInsSubject, type FailedSignInsEmailProps } from "./failed-sign-ins";
import NoticeEmail, { noticeSubject, type NoticeEmailProps } from "./notice";
import NoticeCompleteEmail, { noticeCompleteSubject, type NoticeCompleteEmailProps } from "./notice-complete";
import InvitationEmail, { invitationSubject, type InvitationEmailProps } from "./invitation";
import SignUpAttemptEmail, { signUpAttemptSubject, type SignUpAttemptEmailProps } from "./sign-up-attempt";
import PasswordResetEmail, { passwordResetSubject, type PasswordResetEmailProps } from "./password-reset";
import VerifyEmail, { verifyEmailSubject, type VerifyEmailProps } from "./verify-email";
import WelcomeEmail, { welcomeSubject, type WelcomeEmailProps } from "./welcome";

type TemplateProps = {
  welcome: WelcomeEmailProps;
  invitation: InvitationEmailProps;
  "password-reset": PasswordResetEmailProps;
  "verify-email": VerifyEmailProps;
  "failed-sign-ins": FailedSignInsEmailProps;
  "sign-up-attempt": SignUpAttemptEmailProps;
  "deletion-report": DeletionReportEmailProps;
  notice: NoticeEmailProps;
  "notice-complete": NoticeCompleteEmailProps;
};
export type TemplateName = keyof TemplateProps;

const templates: { [K in TemplateName]: { component: ComponentType<TemplateProps[K]>; subject: (p: TemplateProps[K]) => string } } = {
  welcome: { component: WelcomeEmail, subject: welcomeSubject },
  invitation: { component: InvitationEmail, subject: invitationSubject },
  "password-reset": { component: PasswordResetEmail, subject: passwordResetSubject },
  "verify-email": { component: VerifyEmail, subject: verifyEmailSubject },
  "failed-sign-ins": { component: FailedSignInsEmail, subject: failedSignInsSubject },
  "sign-up-attempt": { component: SignUpAttemptEmail, subject: signUpAttemptSubject },
  "deletion-report": { component: DeletionReportEmail, subject: deletionReportSubject },
  notice: { component: NoticeEmail, subject: noticeSubject },
  "notice-complete": { component: NoticeCompleteEmail, subject: noticeCompleteSubject },
};

export type EmailContent = { subject: string; html: string; text: string };

export async function renderEmail<K extends TemplateName>(template: K, props: TemplateProps[K]): Promise<EmailContent> {
  const entry = templates[template];
  if (!entry) throw new Error(`unknown e-mail template: ${template}`);
  const element = createElement(entry.component as ComponentType<TemplateProps[K]>, props);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { subject: entry.subject(props), html, text };
}

export function isTemplateName(name: string): name is TemplateName {
  return name in templates;
}

export type { TemplateProps };
