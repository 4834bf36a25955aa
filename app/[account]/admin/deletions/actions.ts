"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { identifierSchema } from "@/lib/core";
import { cancelCustomerDeletion, confirmDeletionSchema, requestCustomerDeletion } from "@/lib/deletions";
import { userAction } from "@/lib/web";

// `account` is the manager's identifier (a partner or a self-managed customer); the domain functions authorize against it.
const manager = z.object({ account: identifierSchema });
const selection = z.object({
  group: z.string().optional(),
  all: z.enum(["1"]).optional(),
  q: z.string().optional(),
  filterGroup: z.string().optional(),
  parent: z.string().optional(),
  quota: z.string().optional(),
});

/** Confirms the deletion the page showed, then opens its progress page. */
export const requestDeletionAction = userAction(manager.and(selection).and(confirmDeletionSchema), async (input, principal, formData) => {
  const customers = formData.getAll("customers").filter((v): v is string => typeof v === "string" && v !== "");
  const deletion = await requestCustomerDeletion(
    principal,
    input.account,
    {
      customers: customers.length ? customers : undefined,
      group: input.group || undefined,
      filter: input.all
        ? {
            q: input.q || undefined,
            group: input.filterGroup || undefined,
            parent: input.parent || undefined,
            quota: (["at", "near", "under"] as const).find((s) => s === input.quota),
          }
        : undefined,
    },
    { confirmation: input.confirmation, label: input.label },
  );
  redirect(`/${input.account}/admin/deletions/${deletion.id}`);
});

export const cancelDeletionAction = userAction(
  manager.extend({ deletionId: z.uuid("This deletion doesn't exist.") }),
  async ({ account, deletionId }, principal) => {
    const d = await cancelCustomerDeletion(principal, account, deletionId);
    return { ok: true, message: `Undone: ${d.label} ${d.label.match(/^\d+ customers$/) ? "are" : "is"} back, exactly as before.` };
  },
);
