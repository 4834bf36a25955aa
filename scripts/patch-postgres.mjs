// Run by `npm install` (postinstall): mends a defect of the PostgreSQL driver (postgres.js 3.4.x) that takes the whole
// process down. The driver defers a small write to the next turn of the event loop; when the connection closes before
// that turn (PostgreSQL stopped or restarted, a backend terminated), the deferred write finds no socket and throws where
// no caller can catch it ("Cannot read properties of null (reading 'write')", porsager/postgres#1154, #1208), and the
// connection keeps a stale timer that stops it from ever writing again. The mend settles the queries as
// CONNECTION_CLOSED instead, and forgets the deferred write when the connection closes. It applies the change once,
// and stops the install with a message when the driver's code no longer looks as expected (a new version: check
// whether it fixed this upstream, then drop or adapt this script).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MARK = "// tenancy: a deferred write after the socket closed";

const replacements = [
  [
    "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
    `  function nextWrite(fn) {\n    ${MARK} settles its queries instead of throwing where nothing can catch it.\n    if (socket === null) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
  ],
  // Both teardowns cancel the deferred write; without forgetting it, write() never schedules another one.
  [
    "    terminated = true\n    if (stream || query || initial || sent.length)",
    "    terminated = true\n    chunk = null\n    if (stream || query || initial || sent.length)",
  ],
  ["    clearImmediate(nextWriteTimer)\n    if (socket) {", "    clearImmediate(nextWriteTimer)\n    nextWriteTimer = null\n    if (socket) {"],
  [
    "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)",
    "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)",
  ],
];

const files = ["cjs/src/connection.js", "src/connection.js", "cf/src/connection.js"]
  .map((f) => path.join(root, "node_modules", "postgres", f))
  .filter((f) => fs.existsSync(f));
if (files.length === 0) {
  console.error("patch-postgres: node_modules/postgres is missing; run npm install");
  process.exit(1);
}
for (const file of files) {
  let text = fs.readFileSync(file, "utf8");
  if (text.includes(MARK)) continue;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) {
      console.error(
        `patch-postgres: ${path.relative(root, file)} no longer contains the code this mends (postgres.js changed); see scripts/patch-postgres.mjs`,
      );
      process.exit(1);
    }
    text = text.replace(from, to);
  }
  fs.writeFileSync(file, text);
}
