"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { GROUP_LABELS } from "@/lib/authz";
import { inviteListSchema, inviteMember, inviteMembers, inviteSchema, resendInvitation, revokeInvitation } from "@/lib/invitations";
import { changeMemberGroup, leaveAccount, memberGroupSchema, removeMember } from "@/lib/members";
import { identifierSchema, counted } from "@/lib/core";

const invitationSchema = z.object({ account: identifierSchema, invitationId: z.uuid("That invitation no longer exists.") });
const memberSchema = z.object({ account: identifierSchema, userId: z.uuid("That person is not a member of this account.") });

export const inviteMemberAction = userAction(inviteSchema.extend({ account: identifierSchema }), async ({ account, ...invite }, principal) => {
  const { invitation } = await inviteMember(principal, account, invite);
  revalidatePath(`/${account}/users`);
  return { ok: true, message: `Invitation sent to ${invitation.email}.` };
});

/** A pasted list: "check" answers line by line what would happen; otherwise everyone is invited, or nobody. */
export const inviteListAction = userAction(
  inviteListSchema.extend({ account: identifierSchema, intent: z.enum(["check", "invite"]).default("invite") }),
  async ({ account, intent, ...list }, principal) => {
    const { rows, invited } = await inviteMembers(principal, account, list, { check: intent === "check" });
    const lines = rows.map((r) => `Line ${r.line}: ${r.fullName} <${r.email}> — ${r.problem ?? "ready to invite"}`);
    if (intent === "check") {
      const bad = rows.filter((r) => r.problem).length;
      return {
        ok: bad === 0,
        ...(bad === 0 ? { message: `All ${counted.people(rows.length)} can be invited.` } : { error: `${bad} of ${rows.length} lines need a change.` }),
        data: { lines },
      };
    }
    revalidatePath(`/${account}/users`);
    return { ok: true, message: `${counted.invitations(invited)} sent.` };
  },
);

export const resendInvitationAction = userAction(invitationSchema, async ({ account, invitationId }, principal) => {
  const { invitation } = await resendInvitation(principal, account, invitationId);
  revalidatePath(`/${account}/users`);
  return { ok: true, message: `A new invitation was sent to ${invitation.email}. The previous link no longer works.` };
});

export const revokeInvitationAction = userAction(invitationSchema, async ({ account, invitationId }, principal) => {
  await revokeInvitation(principal, account, invitationId);
  revalidatePath(`/${account}/users`);
  return { ok: true, message: "Invitation revoked. Its link no longer works." };
});

export const changeMemberGroupAction = userAction(memberSchema.extend({ group: memberGroupSchema }), async ({ account, userId, group }, principal) => {
  await changeMemberGroup(principal, account, userId, group);
  revalidatePath(`/${account}`, "layout");
  return { ok: true, message: `Group changed to ${GROUP_LABELS[group]}.` };
});

export const removeMemberAction = userAction(memberSchema, async ({ account, userId }, principal) => {
  const { projectsLeft } = await removeMember(principal, account, userId);
  revalidatePath(`/${account}`, "layout");
  // Someone who removed themselves has nothing left to see here.
  if (userId === principal.userId) redirect("/");
  return { ok: true, message: `Member removed, together with their access to ${counted.projects(projectsLeft)}.` };
});

export const leaveAccountAction = userAction(z.object({ account: identifierSchema }), async ({ account }, principal) => {
  await leaveAccount(principal, account);
  revalidatePath("/", "layout");
  // Their next account, or the page that lets them join or create one.
  redirect("/");
});
