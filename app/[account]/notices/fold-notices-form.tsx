"use client";
import { useActionForm } from "@/app/components/use-action-form";
import { foldNoticePanelAction } from "../shell-actions";

/** Folds the notice panel to one line, or opens it again; the choice is the person's, kept on the server. */
export function FoldNoticesForm({ folded }: { folded: boolean }) {
  const { pending, formProps } = useActionForm(foldNoticePanelAction);
  return (
    <form {...formProps}>
      <input type="hidden" name="folded" value={folded ? "0" : "1"} />
      <button type="submit" className="text-sm text-blue-800 hover:underline" aria-expanded={!folded} aria-controls="open-notices-heading" disabled={pending}>
        {folded ? "Show" : "Fold"}
      </button>
    </form>
  );
}
