import type { Metadata } from "next";
import Link from "next/link";
import { Timeline } from "../../_components/timeline";
import { AuditDetail } from "./audit-detail";
import { loadAudit } from "./load-audit";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const audit = await loadAudit(id);
  return (
    <div className="mx-auto max-w-6xl">
      <Link href="/backup/audits" className="text-sm text-brand-700 hover:underline">
        ← Audits
      </Link>
      <AuditDetail initial={audit} />
      <div className="mt-8">
        <Timeline entityType="inventory_audit" entityId={audit.id} />
      </div>
    </div>
  );
}
