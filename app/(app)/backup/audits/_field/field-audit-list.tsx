"use client";

import Link from "next/link";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { useCan } from "@/app/_components/writers-only";
import { auditScope } from "@/lib/vocabulary";

/**
 * The open audits this user may scan for, from the device's cache: found without a connection. Nothing
 * shows to a user who may not scan for audits, or when none is open.
 */
export function FieldAuditList() {
  const canScan = useCan("audits.scan");
  const audits = useLiveQuery((db) => db.audits.toCollection().sortBy("number"), []);
  if (!canScan || !audits || audits.length === 0) return null;

  return (
    <section aria-labelledby="field-audits-title" className="card p-4">
      <h2 id="field-audits-title" className="text-base font-semibold">
        Audits to scan
      </h2>
      <ul className="mt-2 divide-y divide-slate-100" data-testid="field-audits">
        {audits.map((audit) => (
          <li key={audit.id} className="flex flex-wrap items-center gap-2 py-2 text-sm">
            <span className="flex-1">
              <span className="font-medium">{audit.number}</span>{" "}
              <span className="text-slate-500">
                {audit.siteName} · {auditScope(audit)} · {audit.scanned.length} scanned, {audit.expected.length}{" "}
                expected
              </span>
            </span>
            <Link href={`/backup/audits/${audit.id}/scan`} className="btn-secondary">
              Scan
              <span className="sr-only"> for {audit.number}</span>
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
