"use server";
import { z } from "zod";
import { identifierSchema } from "@/lib/core";
import { acknowledgeNotice } from "@/lib/notices";
import { userAction } from "@/lib/web";

// `account` is the account the person is in; the domain function checks that the notice is theirs there.
const oneNotice = z.object({ account: identifierSchema, noticeId: z.uuid("This notice doesn't exist.") });

export const acknowledgeNoticeAction = userAction(oneNotice, async ({ account, noticeId }, principal) => {
  const result = await acknowledgeNotice(principal, account, noticeId);
  if (result.acknowledged) return { ok: true, message: "Acknowledged." };
  return {
    ok: true,
    message: result.by && result.by.userId !== principal.userId ? `${result.by.name} already acknowledged it for your team.` : "Already acknowledged.",
  };
});
