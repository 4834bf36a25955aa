"use server";
import { z } from "zod";
import { userAction } from "@/lib/action";
import { createProject, createProjectSchema, projectRoleSchema, setProjectAccess } from "@/lib/projects";
import { identifierSchema } from "@/lib/validation";

const account = z.object({ account: identifierSchema });

export const createProjectAction = userAction(account.and(createProjectSchema), async ({ account, ...input }, user) => {
  const project = await createProject(user.id, account, input);
  return { ok: true, message: `Project ${project.name} (${project.identifier}) created.` };
});

const accessSchema = account.extend({
  projectId: z.uuid(),
  userId: z.uuid("Choose a member."),
  role: z.union([projectRoleSchema, z.literal("none")]),
});

export const setProjectAccessAction = userAction(accessSchema, async ({ account, projectId, userId, role }, user) => {
  await setProjectAccess(user.id, account, projectId, userId, role === "none" ? null : role);
  return { ok: true, message: role === "none" ? "Access taken away." : "Project access saved." };
});
