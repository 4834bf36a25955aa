// @ts-check
// ESLint 9 flat config: Next's rules (core web vitals + typescript-eslint recommended) plus the import boundaries
// between app/, jobs/, lib/, db/ and emails/. Formatting is Prettier's job (see .prettierrc.json), not ESLint's.
import fs from "node:fs";
import path from "node:path";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const CODE = "{js,jsx,mjs,cjs,ts,tsx,mts,cts}";

// --- Import boundaries --------------------------------------------------------------------------------------------
// All boundary patterns are regular expressions over the import specifier, so one pattern covers the `@/` alias and
// relative paths that climb out of the importing folder (`../../db/client`). They apply to `import`, `import type`,
// `export … from` and `import x = require()`; dynamic `import()` is not checked.
//
// ESLint replaces (does not merge) a rule's options when several config blocks match a file, so each area below
// lists every pattern that applies to it.

/** `@/app/...`: the web layer is the top; nothing below it may reach up into it. */
const noApp = {
  regex: "^(@/|(\\.\\./)+)app(/|$)",
  caseSensitive: true,
  message: "Only app/ may import from app/. Move what you need into lib/<domain> (or emails/) and import it from there.",
};

/** `@/db/...` from app/: pages and actions go through a lib domain, never to the database, not even for its types. */
const noDbFromApp = {
  regex: "^(@/|(\\.\\./)+)db(/|$)",
  caseSensitive: true,
  message: "app/ must not import db/: call a function exported by @/lib/<domain>, and take its types (MemberGroup, ProjectRole…) from there too.",
};

/**
 * `@/db/...` (but the client's closeDb) and drizzle-orm from jobs/: processors reach data through lib/, so the rules of
 * a domain (who is open on a notice, when an e-mail counts as held) are written once, where the pages use them too.
 */
const noDataFromJobs = {
  regex: "^((@/|(\\.\\./)+)db/(?!client$)|drizzle-orm)",
  caseSensitive: true,
  message: "jobs/ reaches data through lib/: call (or add) a function of @/lib/<domain> or a shared part of lib/ instead of querying here.",
};

/** `@/lib/<domain>/<file>` from outside lib/: domains are used through their public entry, `@/lib/<domain>`. */
const noDeepLibFromOutside = {
  regex: "^(@/|(\\.\\./)+)lib/[^/]+/",
  caseSensitive: true,
  message: "Import a lib domain through its entry, `@/lib/<domain>` (lib/<domain>/index.ts), not one of its inner files.",
};

/** db/ sits below lib/ and imports nothing of it; its configuration comes from config/, the ground floor. */
const noLibFromDb = {
  regex: "^(@/|(\\.\\./)+)lib(/|$)",
  caseSensitive: true,
  message: "db/ must not depend on lib/: take settings from `@/config`.",
};

/** config/ is the ground floor: everything imports it, it imports nothing of the project. */
const configImportsNothing = {
  regex: "^(@/|(\\.\\./)+)(app|lib|db|jobs|emails|scripts)(/|$)",
  caseSensitive: true,
  message: "config/ is the ground floor: it may not import the layers above it.",
};

/** The environment is read in one place, config/, which parses and checks it at start. */
const noProcessEnv = {
  files: [`app/**/*.${CODE}`, `lib/**/*.${CODE}`, `jobs/**/*.${CODE}`, `db/**/*.${CODE}`, `emails/**/*.${CODE}`],
  ignores: [`**/*.test.${CODE}`],
  rules: {
    "no-restricted-properties": [
      "error",
      {
        object: "process",
        property: "env",
        message: "Read settings through getEnv() from @/config (lib: @/lib/core), where every variable is parsed and checked at start.",
      },
    ],
  },
};

/** `@/lib/<domain>/<file>` from inside lib/: other domains through their entry; your own domain with relative paths. */
const noDeepLibAliasInLib = {
  regex: "^@/lib/[^/]+/",
  caseSensitive: true,
  message: "Inside lib/, import another domain through its entry `@/lib/<domain>`; within your own domain use a relative path (./file).",
};

/**
 * A relative import from a file `depth` folders below lib/ that climbs to lib/ and then into another domain's inner
 * file, e.g. `../members/roles` from lib/invitations/index.ts. Climbing to a sibling's entry (`../members`) is allowed,
 * though `@/lib/members` reads better.
 * @param {number} depth 0 for lib/x.ts, 1 for lib/<domain>/x.ts, 2 for lib/<domain>/<sub>/x.ts, …
 */
const noDeepSiblingRelative = (depth) => ({
  regex: `^${depth === 0 ? "\\./" : `(\\.\\./){${depth}}`}[^/.][^/]*/`,
  caseSensitive: true,
  message: "Reach another lib domain only through its entry, `@/lib/<domain>`, not one of its inner files.",
});

/**
 * @param {string[]} files
 * @param {object[]} patterns
 * @param {object[]} [paths]
 * @returns {import("eslint").Linter.Config}
 */
const restrict = (files, patterns, paths = []) => ({
  files,
  rules: {
    "@typescript-eslint/no-restricted-imports": ["error", { patterns, paths }],
  },
});

// lib/<domain>/ folders as they are on disk; a domain importing its own entry (`@/lib/<self>`) makes an import cycle.
const libDir = path.join(import.meta.dirname, "lib");
const domains = fs.existsSync(libDir)
  ? fs
      .readdirSync(libDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
  : [];

const boundaries = [
  restrict([`app/**/*.${CODE}`], [noDbFromApp, noDeepLibFromOutside]),
  restrict(
    [`jobs/**/*.${CODE}`],
    [noApp, noDeepLibFromOutside, noDataFromJobs],
    [{ name: "@/db/client", importNames: ["db", "rawSql", "builtOnce"], message: noDataFromJobs.message }],
  ),
  restrict([`emails/**/*.${CODE}`], [noApp, noDeepLibFromOutside]),
  restrict([`db/**/*.${CODE}`], [noApp, noLibFromDb]),
  restrict([`config/**/*.${CODE}`], [configImportsNothing]),
  noProcessEnv,
  restrict([`scripts/**/*.${CODE}`, `tests/**/*.${CODE}`, `bench/**/*.${CODE}`], [noDeepLibFromOutside]),
  // lib/ by depth, because what `../x/y` points at depends on how deep the importing file is.
  ...[0, 1, 2, 3, 4, 5].map((depth) => restrict([`lib/${"*/".repeat(depth)}*.${CODE}`], [noApp, noDeepLibAliasInLib, noDeepSiblingRelative(depth)])),
  // A separate rule (core no-restricted-imports) so these options do not replace the ones above.
  ...domains.map((domain) => ({
    files: [`lib/${domain}/**/*.${CODE}`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^@/lib/${domain}$`,
              caseSensitive: true,
              message: `This file is inside lib/${domain}/: import the file you need relatively instead of the domain's own entry (an import cycle).`,
            },
          ],
        },
      ],
    },
  })),
];

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    ".next*/**", // other NEXT_DIST_DIR builds
    "node_modules/**",
    "db/migrations/**",
    "test-results/**",
    ".data/**",
    "next-env.d.ts",
  ]),
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Server Components render once per request, so `Date.now()` in an async page or layout is not the re-render
    // impurity this React Compiler rule guards against. Client components (forms, rows, widgets) keep the rule.
    files: ["app/**/page.tsx", "app/**/layout.tsx"],
    rules: { "react-hooks/purity": "off" },
  },
  {
    // Test fixtures named use…() (e.g. useBrowser) are not React hooks.
    files: ["tests/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    // Tool config files (postcss, vitest, next…) conventionally default-export an object literal.
    files: ["*.config.{js,mjs,cjs,ts,mts,cts}"],
    rules: { "import/no-anonymous-default-export": "off" },
  },
  ...boundaries,
]);
