import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { AuditsList } from "./audits-list";

export const metadata: Metadata = { title: "Audits" };

/** `?site=<id>` (from a site's page) lists that site's audits. */
export default async function AuditsPage({ searchParams }: { searchParams: Promise<{ site?: string }> }) {
  const { site } = await searchParams;
  // A malformed address lists every site's audits rather than failing.
  const siteId = z.uuid().safeParse(site).data;
  return (
    <div className="mx-auto max-w-6xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Inventory audits</h1>
      <p className="mt-1 text-sm text-slate-600">
        A site, or one shelf or locker of it, checked label by label against the catalogue: what is there, what is
        somewhere it should not be, what nobody registered, and what cannot be found.
      </p>
      <AuditsList key={siteId ?? "all"} initialSiteId={siteId} />
    </div>
  );
}
