// The operator area exists only for operators of the installation; everyone else gets the same 404 as for a page
// that doesn't exist.
import { cache } from "react";
import { getOperatorArea } from "@/lib/operators";
import { orNotFound, requirePrincipal } from "@/lib/web";

export const getOperatorContext = cache(async (path = "/operator") => {
  const principal = await requirePrincipal(path);
  const area = await orNotFound(getOperatorArea(principal));
  return { principal, ...area };
});
