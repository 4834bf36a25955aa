import { describe, expect, it } from "vitest";
import { GROUPS_BY_KIND, MEMBER_GROUP_PERMISSIONS, PERMISSIONS, grantsFor, groupsFor, isAdminGroup } from "./permissions";

describe("permission tables", () => {
  it("lets only admins manage users, settings and projects in their own account", () => {
    const admin = grantsFor({ memberGroup: "customer_admin", accountKind: "customer" });
    const employee = grantsFor({ memberGroup: "customer_employee", accountKind: "customer" });
    expect(admin.has("MANAGE_USERS")).toBe(true);
    for (const p of ["MANAGE_USERS", "EDIT_SETTINGS", "CREATE_PROJECTS", "MANAGE_PROJECT_ACCESS", "VIEW_ACTIVITY"] as const)
      expect(employee.has(p)).toBe(false);
    expect(employee.has("VIEW_ACCOUNT")).toBe(true);
  });

  it("grants Administration only to partner groups, and only in partner accounts", () => {
    expect(grantsFor({ memberGroup: "partner_admin", accountKind: "partner" }).has("CREATE_CUSTOMERS")).toBe(true);
    expect(grantsFor({ memberGroup: "partner_employee", accountKind: "partner" }).has("VIEW_ADMINISTRATION")).toBe(true);
    expect(grantsFor({ memberGroup: "partner_employee", accountKind: "partner" }).has("CREATE_CUSTOMERS")).toBe(false);
    // A partner group left in a customer account (it can't happen through the app) grants nothing there.
    expect(grantsFor({ memberGroup: "partner_admin", accountKind: "customer" }).size).toBe(0);
    expect(grantsFor({ memberGroup: "customer_admin", accountKind: "customer" }).has("VIEW_ADMINISTRATION")).toBe(false);
  });

  it("gives a managing partner's admins quota and Add Myself on its customers, but no work inside them", () => {
    const partnerAdmin = grantsFor({ managingPartnerGroup: "partner_admin" });
    expect(partnerAdmin.has("SET_QUOTA")).toBe(true);
    expect(partnerAdmin.has("ADD_MYSELF")).toBe(true);
    expect(partnerAdmin.has("VIEW_ACCOUNT")).toBe(false);
    expect(partnerAdmin.has("EDIT_SETTINGS")).toBe(false);
    expect(grantsFor({ managingPartnerGroup: "partner_employee" }).has("SET_QUOTA")).toBe(false);
  });

  it("makes project roles real: a Project Admin manages access, a Project Reader changes nothing", () => {
    expect(grantsFor({ projectRole: "project_admin" }).has("MANAGE_PROJECT_ACCESS")).toBe(true);
    expect(grantsFor({ projectRole: "project_user" }).has("MANAGE_PROJECT_ACCESS")).toBe(false);
    expect([...grantsFor({ projectRole: "project_reader" })]).toEqual(["VIEW_PROJECT"]);
  });

  it("lets operators run installation commands only, the system everything, anonymous nothing", () => {
    const operator = grantsFor({ operator: true });
    expect(operator.has("CHANGE_ACCOUNT_KIND")).toBe(true);
    expect(operator.has("VIEW_ACCOUNT")).toBe(false);
    for (const p of PERMISSIONS) expect(grantsFor({ system: true }).has(p)).toBe(true);
    expect(grantsFor({}).size).toBe(0);
  });

  it("offers each kind of account its own groups, and admins are those who manage users", () => {
    expect(groupsFor("customer")).toEqual(["customer_admin", "customer_employee", "customer_reader"]);
    expect(groupsFor("partner")).toEqual(["partner_admin", "partner_employee"]);
    for (const kind of ["customer", "partner"] as const) for (const g of groupsFor(kind)) expect(GROUPS_BY_KIND[kind]).toContain(g);
    expect(Object.keys(MEMBER_GROUP_PERMISSIONS).filter((g) => isAdminGroup(g as never))).toEqual(["customer_admin", "partner_admin"]);
  });

  it("keeps a Customer Reader read-only, even with a Project Admin role", () => {
    const reader = grantsFor({ memberGroup: "customer_reader", accountKind: "customer", projectRole: "project_admin" });
    // Leaving changes only the reader's own membership.
    expect([...reader].sort()).toEqual(["LEAVE_ACCOUNT", "RECEIVE_NOTICES", "VIEW_ACCOUNT", "VIEW_MEMBERS", "VIEW_PROJECT", "VIEW_QUOTA"]);
    // The same role on an Employee manages the project's access.
    expect(grantsFor({ memberGroup: "customer_employee", accountKind: "customer", projectRole: "project_admin" }).has("MANAGE_PROJECT_ACCESS")).toBe(true);
  });
});
