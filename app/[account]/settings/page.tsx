import type { Metadata } from "next";
import { getAccountContext } from "@/lib/web";
import { SettingsForm } from "./settings-form";

export const metadata: Metadata = { title: "Account settings" };

export default async function SettingsPage({ params }: { params: Promise<{ account: string }> }) {
  const { account } = await params;
  const { customer, can } = await getAccountContext(account);
  return (
    <section className="max-w-2xl space-y-4">
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
          taxId: customer.taxId,
          billingStreet: customer.billingStreet,
          billingPostalCode: customer.billingPostalCode,
          billingCity: customer.billingCity,
          billingCountry: customer.billingCountry,
          paymentMethod: customer.paymentMethod,
          sepaAccountHolder: customer.sepaAccountHolder,
          sepaIban: customer.sepaIban,
        }}
      />
    </section>
  );
}
