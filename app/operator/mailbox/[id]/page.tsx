import Link from "next/link";
import { getMailboxMessage } from "@/lib/mailbox";
import { orNotFound } from "@/lib/web";
import { getOperatorContext } from "../../operator-context";

export const dynamic = "force-dynamic";

export default async function MailboxMessage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { principal } = await getOperatorContext(`/operator/mailbox/${id}`);
  const email = await orNotFound(getMailboxMessage(principal, id));
  return (
    <section className="max-w-4xl">
      <Link href="/operator/mailbox" className="text-sm text-blue-700 hover:underline">
        ← Mailbox
      </Link>
      <h1 className="mt-2 text-xl font-semibold" data-testid="mail-subject">
        {email.subject ?? "(not rendered yet)"}
      </h1>
      <dl className="mt-2 grid grid-cols-[6rem_1fr] gap-1 text-sm">
        <dt className="text-slate-500">To</dt>
        <dd>{email.to}</dd>
        <dt className="text-slate-500">Status</dt>
        <dd>{email.status}</dd>
        <dt className="text-slate-500">Time</dt>
        <dd>{(email.sentAt ?? email.createdAt).toISOString()}</dd>
      </dl>
      {email.html ? (
        <iframe
          title="E-mail content"
          srcDoc={email.html}
          sandbox="allow-popups allow-popups-to-escape-sandbox"
          className="mt-4 h-[36rem] w-full rounded border border-slate-200 bg-white"
        />
      ) : null}
      {email.text ? (
        <details className="mt-4">
          <summary className="cursor-pointer text-sm text-slate-600">Plain-text part</summary>
          <pre className="mt-2 whitespace-pre-wrap rounded bg-slate-100 p-3 text-xs" data-testid="mail-text">
            {email.text}
          </pre>
        </details>
      ) : null}
    </section>
  );
}
