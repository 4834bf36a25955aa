import type { Metadata } from "next";
import { listProjects } from "@/lib/projects";
import { getAccountContext } from "@/lib/web";
import { customerDetailsOf } from "./customer-details";
import { CustomerDetailsForm } from "./customer-details-form";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Account settings" };

/** The home page select lists this many projects at most, by name. */
const HOME_PAGE_CHOICES = 200;

export default async function SettingsPage({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const { principal, customer, can } = await getAccountContext(account);
  const projects = await listProjects(principal, customer.identifier, { q: "", limit: HOME_PAGE_CHOICES });
  return (
    <div className="max-w-2xl space-y-10">
      <section className="space-y-4">
        <h1 className="text-2xl font-semibold">Account settings</h1>
        {can("EDIT_SETTINGS") ? null : (
          <p className="rounded-md bg-slate-100 px-3 py-2 text-sm text-slate-700" data-testid="billing-hidden">
            Only those who may edit the settings see the billing details: the tax ID, the billing address and the bank account (its IBAN is masked here).
          </p>
        )}
        <SettingsForm
          editable={can("EDIT_SETTINGS")}
          settings={{
            identifier: customer.identifier,
            name: customer.name,
            taxId: customer.billing?.taxId ?? null,
            billingStreet: customer.billing?.billingStreet ?? null,
            billingPostalCode: customer.billing?.billingPostalCode ?? null,
            billingCity: customer.billing?.billingCity ?? null,
            billingCountry: customer.billing?.billingCountry ?? null,
            paymentMethod: customer.paymentMethod,
            sepaAccountHolder: customer.billing?.sepaAccountHolder ?? null,
            sepaIban: customer.billing?.sepaIban ?? customer.maskedIban,
          }}
        />
      </section>
      <section aria-labelledby="details-heading" className="space-y-4">
        <div>
          <h2 id="details-heading" className="text-xl font-semibold">
            Contact and home page
          </h2>
          <p className="text-sm text-slate-600">How to reach {customer.name}, and where its users land after signing in.</p>
        </div>
        <CustomerDetailsForm
          withName={false}
          editable={can("EDIT_CUSTOMER")}
          details={customerDetailsOf(customer)}
          projects={projects.rows}
          moreProjects={projects.total > projects.rows.length}
        />
      </section>
    </div>
  );
}
