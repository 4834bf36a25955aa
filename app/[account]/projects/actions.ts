"use server";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { createProject, createProjectSchema, projectRoleSchema, setProjectAccess } from "@/lib/projects";
import { identifierSchema } from "@/lib/core";

const account = z.object({ account: identifierSchema });

export const createProjectAction = userAction(account.and(createProjectSchema), async ({ account, ...input }, principal) => {
  const project = await createProject(principal, account, input);
  return { ok: true, message: `Project ${project.name} (${project.identifier}) created.` };
});

const accessSchema = account.extend({
  projectId: z.uuid(),
  userId: z.uuid("Choose a member."),
  role: z.union([projectRoleSchema, z.literal("none")]),
});

export const setProjectAccessAction = userAction(accessSchema, async ({ account, projectId, userId, role }, principal) => {
  await setProjectAccess(principal, account, projectId, userId, role === "none" ? null : role);
  return { ok: true, message: role === "none" ? "Access taken away." : "Project access saved." };
});
