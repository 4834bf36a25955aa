"use server";
// What the signed-in shell around every account page does itself: fold the notice panel, put away the operator's note.
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { dismissOperatorWelcome, setNoticePanelFolded } from "@/lib/profile";
import { userAction } from "@/lib/web";

export const foldNoticePanelAction = userAction(z.object({ folded: z.enum(["0", "1"]) }), async ({ folded }, principal) => {
  await setNoticePanelFolded(principal, folded === "1");
  revalidatePath("/", "layout");
  return { ok: true, message: folded === "1" ? "Notices folded." : "Notices unfolded." };
});

export const dismissOperatorWelcomeAction = userAction(z.object({}), async (_input, principal) => {
  await dismissOperatorWelcome(principal);
  revalidatePath("/", "layout");
  return { ok: true };
});
