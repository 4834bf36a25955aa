"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { GROUP_LABELS } from "@/lib/authz";
import { inviteMember, inviteSchema, resendInvitation, revokeInvitation } from "@/lib/invitations";
import { changeMemberGroup, memberGroupSchema, removeMember } from "@/lib/members";
import { identifierSchema } from "@/lib/validation";

const invitationSchema = z.object({ account: identifierSchema, invitationId: z.uuid("That invitation no longer exists.") });
const memberSchema = z.object({ account: identifierSchema, userId: z.uuid("That person is not a member of this account.") });

export const inviteMemberAction = userAction(inviteSchema.extend({ account: identifierSchema }), async ({ account, ...invite }, user) => {
  const { invitation } = await inviteMember(user.id, account, invite);
  revalidatePath(`/${account}/users`);
  return { ok: true, message: `Invitation sent to ${invitation.email}.` };
});

export const resendInvitationAction = userAction(invitationSchema, async ({ account, invitationId }, user) => {
  const { invitation } = await resendInvitation(user.id, account, invitationId);
  revalidatePath(`/${account}/users`);
  return { ok: true, message: `A new invitation was sent to ${invitation.email}. The previous link no longer works.` };
});

export const revokeInvitationAction = userAction(invitationSchema, async ({ account, invitationId }, user) => {
  await revokeInvitation(user.id, account, invitationId);
  revalidatePath(`/${account}/users`);
  return { ok: true, message: "Invitation revoked. Its link no longer works." };
});

export const changeMemberGroupAction = userAction(memberSchema.extend({ group: memberGroupSchema }), async ({ account, userId, group }, user) => {
  await changeMemberGroup(user.id, account, userId, group);
  revalidatePath(`/${account}`, "layout");
  return { ok: true, message: `Group changed to ${GROUP_LABELS[group]}.` };
});

export const removeMemberAction = userAction(memberSchema, async ({ account, userId }, user) => {
  const { projectsLeft } = await removeMember(user.id, account, userId);
  revalidatePath(`/${account}`, "layout");
  // Someone who removed themselves has nothing left to see here.
  if (userId === user.id) redirect("/");
  const projects = projectsLeft === 1 ? "1 project" : `${projectsLeft} projects`;
  return { ok: true, message: `Member removed, together with their access to ${projects}.` };
});
