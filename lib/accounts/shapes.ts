// What an account looks like to whoever asks for it. Operations return these shapes, never the customers row: a column
// added to the table (a billing field, say) reaches no page, no API and no job until a shape names it for its audience.
import type { Customer, MemberGroup } from "@/db/schema";

/** An account named by a result, a link or a list: enough to show it and to address it. */
export type CustomerRef = { id: string; identifier: string; name: string; kind: "customer" | "partner" };

/**
 * A customer as those who may see it see it, its members and its managers alike: who it is, where it sits, its
 * details and its numbers. No billing: managing a customer is not billing it.
 */
export type CustomerView = CustomerRef & {
  parentId: string | null;
  /** The partner that manages it (the nearest partner above it), if any. */
  partnerId: string | null;
  selfManaged: boolean;
  description: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  country: string | null;
  state: string | null;
  city: string | null;
  postalCode: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  homeProjectId: string | null;
  projectQuota: number;
  projectsCount: number;
  membersCount: number;
  pendingInvitationsCount: number;
  createdAt: Date;
  updatedAt: Date;
};

/** Who is billed, where, and from which bank account: for those who may edit it. */
export type CustomerBilling = {
  taxId: string | null;
  billingStreet: string | null;
  billingPostalCode: string | null;
  billingCity: string | null;
  billingCountry: string | null;
  paymentMethod: Customer["paymentMethod"];
  sepaAccountHolder: string | null;
  sepaIban: string | null;
};

/**
 * An account as its own members see it. Every member learns how it pays and recognises its bank account by a masked
 * IBAN; the billing details themselves come only to those who may edit them (null for the others).
 */
export type AccountView = CustomerView & {
  paymentMethod: Customer["paymentMethod"];
  maskedIban: string | null;
  billing: CustomerBilling | null;
};

/** The principal's own membership in an account, as pages show it. */
export type MembershipView = { group: MemberGroup; since: Date };

export function customerRef(c: Customer): CustomerRef {
  return { id: c.id, identifier: c.identifier, name: c.name, kind: c.kind };
}

export function customerView(c: Customer): CustomerView {
  return {
    ...customerRef(c),
    parentId: c.parentId,
    partnerId: c.partnerId,
    selfManaged: c.selfManaged,
    description: c.description,
    contactEmail: c.contactEmail,
    contactPhone: c.contactPhone,
    country: c.country,
    state: c.state,
    city: c.city,
    postalCode: c.postalCode,
    addressLine1: c.addressLine1,
    addressLine2: c.addressLine2,
    homeProjectId: c.homeProjectId,
    projectQuota: c.projectQuota,
    projectsCount: c.projectsCount,
    membersCount: c.membersCount,
    pendingInvitationsCount: c.pendingInvitationsCount,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

/** The account for its members; `mayEditBilling` decides whether the billing details come along. */
export function accountView(c: Customer, mayEditBilling: boolean): AccountView {
  return {
    ...customerView(c),
    paymentMethod: c.paymentMethod,
    maskedIban: c.sepaIban ? maskIban(c.sepaIban) : null,
    billing: mayEditBilling
      ? {
          taxId: c.taxId,
          billingStreet: c.billingStreet,
          billingPostalCode: c.billingPostalCode,
          billingCity: c.billingCity,
          billingCountry: c.billingCountry,
          paymentMethod: c.paymentMethod,
          sepaAccountHolder: c.sepaAccountHolder,
          sepaIban: c.sepaIban,
        }
      : null,
  };
}

/** "DE89370400440532013000" → "DE•• •••• •••• •••• ••30 00": enough to recognise the account, not to use it. */
export function maskIban(iban: string): string {
  const compact = iban.replace(/\s+/g, "");
  const masked = compact.slice(0, 2) + "•".repeat(Math.max(0, compact.length - 6)) + compact.slice(-4);
  return masked.replace(/(.{4})/g, "$1 ").trim();
}
