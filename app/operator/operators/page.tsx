import type { Metadata } from "next";
import { ACTIONS_COLUMN, TableCard } from "@/app/components/list-section";
import { listOperators } from "@/lib/operators";
import { orNotFound } from "@/lib/web";
import { getOperatorContext } from "../operator-context";
import { NameOperatorForm, RevokeOperator } from "./operator-forms";

export const metadata: Metadata = { title: "Operators · Operator" };

export default async function OperatorsPage() {
  const { principal } = await getOperatorContext("/operator/operators");
  const operators = await orNotFound(listOperators(principal));
  return (
    <section className="max-w-3xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Operators</h1>
        <p className="mt-1 text-sm text-slate-600">
          Operators run this installation: they see every account, make partners, set any quota and read the dev mailbox. The last operator can&apos;t be
          revoked.
        </p>
      </div>
      <NameOperatorForm />
      <TableCard columns={["Name", "E-mail", ACTIONS_COLUMN]}>
        {operators.map((o) => (
          <tr key={o.id} data-testid="operator-row">
            <td className="font-medium">
              {o.name}
              {o.id === principal.userId ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
            </td>
            <td>{o.email}</td>
            <td className="text-right">
              <RevokeOperator email={o.email} name={o.name} />
            </td>
          </tr>
        ))}
      </TableCard>
    </section>
  );
}
