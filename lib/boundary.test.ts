// The boundary of lib/: what an operation hands out is a shape chosen for who asked, never a table's row. A row carries
// every column — hashes, billing, internal bookkeeping — and grows with each migration, so a caller (a page today, the
// public API tomorrow) would pass on whatever the table gains. This reads the build's own types: every function that
// leaves lib/, its result unwrapped (promises, arrays, pages, unions, nested objects), must hold no object that has all
// of a table's columns, whether it came from drizzle or from a parsed raw row (snake_case or camelCase alike).
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function program() {
  const configPath = path.join(root, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const files = parsed.fileNames.filter((f) => /\/(lib|db\/schema)\//.test(f) && !f.endsWith(".test.ts"));
  return ts.createProgram(files, { ...parsed.options, incremental: false, noEmit: true });
}

const norm = (name: string) => name.replace(/_/g, "").toLowerCase();

/** Each table's column names, read from drizzle's own row type (`$inferSelect`). */
function tableColumns(checker: ts.TypeChecker, schema: ts.SourceFile[]) {
  const tables = new Map<string, Set<string>>();
  for (const file of schema) {
    const entry = checker.getSymbolAtLocation(file);
    for (const symbol of entry ? checker.getExportsOfModule(entry) : []) {
      const type = checker.getTypeOfSymbol(symbol);
      const row = type.getProperty("$inferSelect");
      if (!row) continue;
      const columns = checker
        .getTypeOfSymbol(row)
        .getProperties()
        .map((p) => norm(p.name));
      tables.set(symbol.name, new Set(columns));
    }
  }
  return tables;
}

type Finding = { operation: string; table: string; at: string };

/** Columns that are credentials, or verify one: no operation hands them out, whole row or not. */
const SECRET = /hash$/;
/** Where a token is minted, its hash is the point: the caller stores it (inside lib/) and mails the nonce. */
const MINTS = new Set(["lib/core/tokens.ts › newLinkToken"]);

function findings() {
  const prog = program();
  const checker = prog.getTypeChecker();
  const sources = prog.getSourceFiles().filter((f) => !f.isDeclarationFile && f.fileName.startsWith(root));
  const tables = tableColumns(
    checker,
    sources.filter((f) => f.fileName.includes("/db/schema/")),
  );
  const out: Finding[] = [];

  const walk = (type: ts.Type, where: string, seen: Set<ts.Type>, depth: number, report: (table: string, at: string) => void) => {
    if (depth > 6 || seen.has(type)) return;
    seen.add(type);
    if (type.isUnionOrIntersection()) return type.types.forEach((t) => walk(t, where, seen, depth + 1, report));
    if (type.symbol?.name === "Promise" || checker.isArrayType(type) || checker.isTupleType(type)) {
      for (const t of checker.getTypeArguments(type as ts.TypeReference)) walk(t, `${where}[]`, seen, depth + 1, report);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    const props = type.getProperties();
    // Dates, maps and the like are values, not rows.
    if (props.length === 0 || /^(Date|Map|Set|ReadableStream|Response|Request|Headers|URL|Buffer|Uint8Array)$/.test(type.symbol?.name ?? "")) return;
    const names = new Set(props.map((p) => norm(p.name)));
    for (const n of names) if (SECRET.test(n)) report("secret", `${where}.${n}`);
    for (const [table, columns] of tables) {
      if (columns.size >= 3 && [...columns].every((c) => names.has(c))) report(table, where);
    }
    for (const p of props) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (!decl) continue;
      walk(checker.getTypeOfSymbolAtLocation(p, decl), `${where}.${p.name}`, seen, depth + 1, report);
    }
  };

  // The boundary is each domain's entry (lib/<domain>/index.ts): app/, jobs/ and scripts/ may import nothing else of
  // lib/ (a lint rule). A function taking a database handle (Executor) is plumbing for other domains' transactions:
  // nothing outside lib/ can hold one (db/ is closed to them), so what it returns stays inside.
  for (const file of sources) {
    const rel = path.relative(root, file.fileName);
    if (!/^lib\/[^/]+\/index\.ts$/.test(rel)) continue;
    const entry = checker.getSymbolAtLocation(file);
    for (const symbol of entry ? checker.getExportsOfModule(entry) : []) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const decl = target.valueDeclaration;
      if (!decl) continue;
      const type = checker.getTypeOfSymbolAtLocation(target, decl);
      for (const signature of type.getCallSignatures()) {
        const takesHandle = signature.parameters.some((p) => checker.getTypeOfSymbol(p).aliasSymbol?.name === "Executor");
        if (takesHandle) continue;
        const operation = `${path.relative(root, decl.getSourceFile().fileName)} › ${symbol.name}`;
        walk(checker.getReturnTypeOfSignature(signature), "result", new Set(), 0, (table, at) => out.push({ operation, table, at }));
      }
    }
  }
  return { out, tables };
}

describe("the boundary of lib/", () => {
  const { out, tables } = findings();

  it("knows the tables it guards", () => {
    // The check means nothing if it read no columns: the schema's main tables must be there, with their columns.
    for (const t of ["customers", "users", "memberships", "projects", "notices", "invitations", "customerDeletions", "outboundEmails"])
      expect(tables.get(t)?.size, t).toBeGreaterThan(3);
    expect(tables.get("users")).toContain("passwordhash");
  });

  it("hands no table row out of any operation", () => {
    const lines = [...new Set(out.filter((f) => f.table !== "secret").map((f) => `${f.operation}: ${f.at} is a whole ${f.table} row`))];
    expect(lines).toEqual([]);
  });

  it("hands out no credential or its hash", () => {
    const lines = [...new Set(out.filter((f) => f.table === "secret" && !MINTS.has(f.operation)).map((f) => `${f.operation}: ${f.at}`))];
    expect(lines).toEqual([]);
  });
});
