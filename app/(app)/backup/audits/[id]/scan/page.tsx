import type { Metadata } from "next";
import { AuditScanScreen } from "../../_field/audit-scan-screen";

export const metadata: Metadata = { title: "Scan for an audit" };

/** Also served offline by the app shell: the screen reads the audit from the device's cache. */
export default async function AuditScanPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <AuditScanScreen id={id} />;
}
