// The registry of templates: name → component and subject. Jobs render by name with the props stored on the e-mail record.
import { render } from "@react-email/render";
import { createElement, type ComponentType } from "react";
import InvitationEmail, { invitationSubject, type InvitationEmailProps } from "./invitation";
import WelcomeEmail, { welcomeSubject, type WelcomeEmailProps } from "./welcome";

type TemplateProps = { welcome: WelcomeEmailProps; invitation: InvitationEmailProps };
export type TemplateName = keyof TemplateProps;

const templates: { [K in TemplateName]: { component: ComponentType<TemplateProps[K]>; subject: (p: TemplateProps[K]) => string } } = {
  welcome: { component: WelcomeEmail, subject: welcomeSubject },
  invitation: { component: InvitationEmail, subject: invitationSubject },
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
