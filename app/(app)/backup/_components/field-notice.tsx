import Link from "next/link";
import type { ReactNode } from "react";

/**
 * Why a field screen cannot go on here (no such record, nothing to do, done), with the way back to the list
 * it came from (`back`) and to the outbox, both of which work offline.
 */
export function FieldNotice({
  title,
  back,
  children,
}: {
  title: string;
  back: { href: string; label: string };
  children: ReactNode;
}) {
  return (
    <div className="card mx-auto max-w-lg p-6" role="status" data-testid="case-notice">
      <h1 className="text-xl font-semibold">{title}</h1>
      <div className="mt-2 space-y-3 text-sm text-slate-600">{children}</div>
      <div className="mt-4 flex flex-wrap gap-2">
        <Link href={back.href} className="btn-secondary">
          {back.label}
        </Link>
        <Link href="/backup/outbox" className="btn-secondary">
          Outbox
        </Link>
      </div>
    </div>
  );
}
