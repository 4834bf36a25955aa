import type { CustomerDetails } from "./customer-details-form";

/** Only the details go to the form (a client component): never the rest of the customer's row. */
export function customerDetailsOf(c: CustomerDetails): CustomerDetails {
  return {
    identifier: c.identifier,
    name: c.name,
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
  };
}
