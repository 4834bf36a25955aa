// Whether `.next` holds a production build of the current sources: the launcher and the page benchmark rebuild only
// when an input is newer than the last build.
import fs from "node:fs";
import path from "node:path";

export const BUILD_INPUTS = ["app", "lib", "db", "emails", "jobs", "package.json", "next.config.js", "proxy.ts"];

/** Why `.next` must be rebuilt, or null when the build is newer than every input. */
export function staleBuildReason(root: string): string | null {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return "no production build yet";
  const builtAt = fs.statSync(buildId).mtimeMs;
  const changed = BUILD_INPUTS.find((input) => newestMtime(path.join(root, input)) > builtAt);
  return changed ? `${changed} changed since the last build` : null;
}

/** Directories count too: their mtime moves when a file is added or removed. */
function newestMtime(file: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs.readdirSync(file).reduce((newest, name) => Math.max(newest, newestMtime(path.join(file, name))), stat.mtimeMs);
}
