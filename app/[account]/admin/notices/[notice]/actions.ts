"use server";
import { z } from "zod";
import { identifierSchema } from "@/lib/core";
import { editNotice, noticeEditSchema, remindNotice, withdrawNotice } from "@/lib/notices";
import { userAction } from "@/lib/web";

// `account` is the partner's identifier; the domain functions authorize against it.
const oneNotice = z.object({ account: identifierSchema, noticeId: z.uuid("This notice doesn't exist.") });

export const withdrawNoticeAction = userAction(oneNotice, async ({ account, noticeId }, principal) => {
  await withdrawNotice(principal, account, noticeId);
  return { ok: true, message: "Withdrawn: nobody sees it any more." };
});

export const remindNoticeAction = userAction(oneNotice, async ({ account, noticeId }, principal) => {
  await remindNotice(principal, account, noticeId);
  return { ok: true, message: "Reminder on its way to everyone still open." };
});

export const editNoticeAction = userAction(oneNotice.and(noticeEditSchema), async ({ account, noticeId, ...input }, principal) => {
  const after = await editNotice(principal, account, noticeId, input);
  return { ok: true, message: after.reissued ? "Re-issued: everyone must acknowledge it again." : "Saved; acknowledgements kept." };
});
