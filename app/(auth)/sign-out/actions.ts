"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { endThisSession, publicAction } from "@/lib/web";

/**
 * Sign out from the settings menu: the session's record ends, then its cookie. Anyone may post it (a browser whose
 * session already ended just loses the cookie); with the database out of reach the menu says so and nothing changes.
 */
export const signOutAction = publicAction(z.object({}), async () => {
  await endThisSession();
  redirect("/sign-in");
});
