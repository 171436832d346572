import type { Metadata } from "next";
import { AdminsOnlyNotice, Can } from "@/app/_components/writers-only";
import { AuditLog } from "./audit-log";
import { ChainCheck } from "./chain-check";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditLogPage() {
  return (
    <Can
      capability="audit.review"
      otherwise={<AdminsOnlyNotice capability="audit.review" hint="Ask an administrator to check the audit log." />}
    >
      <div className="mx-auto max-w-5xl">
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every entry in the audit log is chained to the one before it by a hash. Checking the chain proves that no
          entry was changed, deleted or added behind the app&apos;s back, for example with direct database access.
        </p>
        <ChainCheck />
        <AuditLog />
      </div>
    </Can>
  );
}
