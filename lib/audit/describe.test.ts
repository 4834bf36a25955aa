// Every action the code records reads as words in the Activity log, and the settings say which parts changed.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ACTION_LABELS, describeAuditEvent } from "./index";

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [file] : [];
  });
}

describe("audit sentences", () => {
  it("has words for every action the code records", () => {
    const recorded = new Set<string>();
    for (const file of [...sources("lib"), ...sources("jobs")]) {
      const text = readFileSync(file, "utf8");
      // `action: "x.y"` and the branches of `action: cond ? "x.y" : "x.z"`.
      for (const m of text.matchAll(/action:\s*([^,\n]+)/g))
        for (const lit of m[1].matchAll(/"((?:account|customer|customer_group|invitation|member|project|notice)\.[a-z_]+)"/g)) recorded.add(lit[1]);
    }
    expect(recorded.size).toBeGreaterThan(30);
    expect([...recorded].filter((a) => !ACTION_LABELS[a])).toEqual([]);
  });

  it("speaks of settings in people's words, naming an address once", () => {
    const e = { action: "account.settings_updated", targetLabel: "cobol", details: { changed: ["taxId", "billingStreet", "billingCity", "sepaIban"] } };
    expect(describeAuditEvent(e)).toBe("changed the tax ID, the billing address and the IBAN");
    expect(describeAuditEvent({ action: "account.made_partner", targetLabel: "cobol", details: null })).toBe("made this a partner account");
    expect(describeAuditEvent({ action: "customer.quota_changed", targetLabel: "Acme (acme)", details: { from: 5, to: 10 } })).toBe(
      "changed the project quota of Acme (acme) from 5 to 10",
    );
    expect(
      describeAuditEvent(
        { action: "member.group_changed", targetLabel: "Ann <a@x.test>", details: { from: "customer_employee", to: "customer_admin" } },
        {
          customer_employee: "Customer Employee",
          customer_admin: "Customer Admin",
        },
      ),
    ).toBe("changed the group of Ann <a@x.test> from Customer Employee to Customer Admin");
    expect(describeAuditEvent({ action: "project.renamed", targetLabel: "New (web)", details: { from: "Old", to: "New" } })).toBe(
      "renamed the project Old to New",
    );
  });
});
