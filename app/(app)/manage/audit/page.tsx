import type { Metadata } from "next";
import { AdminsOnly } from "@/app/_components/admins-only";
import { getViewer } from "@/app/_trpc/server";
import { AuditLog } from "./audit-log";
import { ChainCheck } from "./chain-check";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditLogPage() {
  const viewer = await getViewer();
  if (viewer?.role !== "admin") {
    return <AdminsOnly hint="Ask an administrator to check the audit log." />;
  }
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="text-2xl font-semibold">Audit log</h1>
      <p className="mt-1 text-sm text-slate-600">
        Every entry in the audit log is chained to the one before it by a hash. Checking the chain proves that no entry
        was changed, deleted or added behind the app&apos;s back, for example with direct database access.
      </p>
      <ChainCheck />
      <AuditLog />
    </div>
  );
}
