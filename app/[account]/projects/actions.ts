"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { userAction } from "@/lib/web";
import { createProject, createProjectSchema, deleteProject, projectRoleSchema, renameProject, renameProjectSchema, setProjectAccess } from "@/lib/projects";
import { identifierRefSchema, identifierSchema } from "@/lib/core";

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

const projectRef = account.extend({ project: identifierRefSchema });

export const renameProjectAction = userAction(projectRef.and(renameProjectSchema), async ({ account, project, name }, principal) => {
  const renamed = await renameProject(principal, account, project, { name });
  return { ok: true, message: `The project is now called ${renamed.name}.` };
});

export const deleteProjectAction = userAction(projectRef, async ({ account, project }, principal) => {
  const { project: gone } = await deleteProject(principal, account, project);
  // The project's page is gone with it: back to the list, which says what happened.
  redirect(`/${account}/projects?${new URLSearchParams({ deleted: `${gone.name} (${gone.identifier})` })}`);
});
