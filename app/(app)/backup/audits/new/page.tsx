import type { Metadata } from "next";
import { z } from "zod";
import { FormPage } from "../../_components/form-page";
import { StartAuditForm } from "./start-audit-form";

export const metadata: Metadata = { title: "Start an audit" };

/** `?site=<id>` (from a site's page) starts with that site chosen. */
export default async function StartAuditPage({ searchParams }: { searchParams: Promise<{ site?: string }> }) {
  const { site } = await searchParams;
  return (
    <FormPage back={{ href: "/backup/audits", label: "Audits" }} title="Start an audit" capability="audits.run">
      <StartAuditForm siteId={z.uuid().safeParse(site).data} />
    </FormPage>
  );
}
