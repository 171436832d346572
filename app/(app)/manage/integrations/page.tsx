import type { Metadata } from "next";
import Link from "next/link";
import { getViewer } from "@/app/_trpc/server";
import { can } from "@/lib/capabilities";
import { IntegrationsManager } from "./integrations-manager";

export const metadata: Metadata = { title: "Integrations" };

/** API tokens for backup software: created, shown once, revoked, with when each was last used. */
export default async function IntegrationsPage() {
  const viewer = await getViewer();
  if (!viewer) return null;
  return (
    <div className="mx-auto max-w-5xl">
      <h1 className="text-2xl font-semibold">Integrations</h1>
      <p className="mt-1 max-w-3xl text-sm text-slate-600">
        Backup software reports its jobs and cartridges to Backup Monitor with an API token. Each token acts as its
        integration (the audit log names it, never a person) and may do only what its scopes allow. Ready-made hooks for
        Bareos, Bacula and Veeam are in the project&apos;s <code>integrations/</code> folder;{" "}
        <Link href="/manage/integrations/api" className="font-medium text-brand-700 underline">
          the API reference
        </Link>{" "}
        lists every endpoint.
      </p>
      {can(viewer, "integrations.manage") ? (
        <IntegrationsManager />
      ) : (
        <p role="status" className="mt-6 text-sm text-slate-700">
          Only an administrator can create or revoke API tokens.
        </p>
      )}
    </div>
  );
}
