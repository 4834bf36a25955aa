import { describe, expect, it } from "vitest";
import { PERMISSIONS, can, groupsFor } from "./authz";

describe("permissions table", () => {
  it("lets only admins manage users, settings and projects", () => {
    expect(can("customer_admin", "MANAGE_USERS")).toBe(true);
    expect(can("customer_employee", "MANAGE_USERS")).toBe(false);
    expect(can("customer_employee", "EDIT_SETTINGS")).toBe(false);
    expect(can("customer_employee", "CREATE_PROJECTS")).toBe(false);
    expect(can("customer_employee", "VIEW_ACCOUNT")).toBe(true);
  });

  it("grants Administration only inside partner accounts", () => {
    expect(can("partner_admin", "MANAGE_CUSTOMERS", "partner")).toBe(true);
    expect(can("partner_employee", "VIEW_ADMINISTRATION", "partner")).toBe(true);
    expect(can("partner_employee", "MANAGE_QUOTAS", "partner")).toBe(false);
    expect(can("partner_admin", "MANAGE_CUSTOMERS", "customer")).toBe(false);
    expect(can("customer_admin", "VIEW_ADMINISTRATION", "customer")).toBe(false);
  });

  it("offers each kind of account its own groups", () => {
    expect(groupsFor("customer")).toEqual(["customer_admin", "customer_employee"]);
    expect(groupsFor("partner")).toEqual(["partner_admin", "partner_employee"]);
    for (const groups of Object.values(PERMISSIONS)) expect(groups.length).toBeGreaterThan(0);
  });
});
