"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { confirmEmail } from "@/lib/profile";
import { userAction } from "@/lib/web";

// The link and the sign-in together: the domain refuses a link sent for someone else.
export const confirmEmailAction = userAction(z.object({ token: z.string().min(1) }), async ({ token }, principal) => {
  await confirmEmail(principal, token);
  redirect("/profile");
});
