"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { identifierSchema, counted } from "@/lib/core";
import { previewNotice, sendNotice, type NoticeInput } from "@/lib/notices";
import { userAction } from "@/lib/web";

// `account` is the partner's identifier; the domain functions authorize against it and parse the notice itself.
const compose = z.object({ account: identifierSchema, intent: z.enum(["preview", "send"], "Choose Preview or Send.") });

const text = (formData: FormData, name: string) => {
  const v = formData.get(name);
  return typeof v === "string" ? v : undefined;
};

/** The form's fields as the domain reads them: customers typed as a list, groups as one checkbox each. */
function noticeInput(formData: FormData): NoticeInput {
  return {
    title: text(formData, "title") ?? "",
    body: text(formData, "body") ?? "",
    mode: text(formData, "mode") as NoticeInput["mode"],
    audience: text(formData, "audience") as NoticeInput["audience"],
    importance: text(formData, "importance") as NoticeInput["importance"],
    dueAt: text(formData, "dueAt"),
    startsAt: text(formData, "startsAt"),
    expiresAt: text(formData, "expiresAt"),
    emailCopy: text(formData, "emailCopy") === "on",
    remindAfterDays: text(formData, "remindAfterDays"),
    to: text(formData, "to") as NoticeInput["to"],
    customers: (text(formData, "customers") ?? "")
      .split(/[\s,;]+/)
      .map((s) => s.trim())
      .filter(Boolean),
    groups: formData.getAll("groups").filter((v): v is string => typeof v === "string" && v !== ""),
    descendants: text(formData, "descendants") === "on",
  };
}

export const composeNoticeAction = userAction(compose, async ({ account, intent }, principal, formData) => {
  const input = noticeInput(formData);
  if (intent === "preview") {
    const preview = await previewNotice(principal, account, input);
    return {
      ok: true,
      message: `It will reach ${counted.customers(preview.customers)} and ${counted.people(preview.people)} now.`,
      data: { title: preview.title, html: preview.bodyHtml, customers: preview.customers, people: preview.people },
    };
  }
  const sent = await sendNotice(principal, account, input);
  redirect(`/${account}/admin/notices/${sent.id}`);
});
