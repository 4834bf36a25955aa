"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { retryEmail } from "@/lib/queues";
import { userAction } from "@/lib/web";

// A retried e-mail leaves the list (it is on its way again), so the page says what happened instead of its row.
export const retryEmailAction = userAction(z.object({ emailId: z.uuid() }), async ({ emailId }, principal) => {
  await retryEmail(principal, emailId);
  redirect("/operator/emails?retried=1");
});
