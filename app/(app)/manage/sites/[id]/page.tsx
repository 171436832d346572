import type { Metadata } from "next";
import Link from "next/link";
import { DetailItem } from "@/app/_components/detail-item";
import { Can } from "@/app/_components/writers-only";
import { serverCaller } from "@/app/_trpc/server";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";
import { InventoryDate } from "../inventory-date";
import { loadSite } from "./load-site";
import { SiteActions } from "./site-actions";
import { SiteCartridges } from "./site-cartridges";

export const metadata: Metadata = { title: "Site" };

export default async function SitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const site = await loadSite(id);
  const inventory = (await (await serverCaller()).audits.sites()).find((candidate) => candidate.siteId === site.id);

  return (
    <div className="mx-auto max-w-5xl">
      <Link href="/manage/sites" className="text-sm text-brand-700 hover:underline">
        ← Sites
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{site.name}</h1>
        <span className="rounded bg-slate-100 px-2 py-0.5 text-sm" data-testid="site-status">
          {site.active ? SITE_KIND_LABEL[site.kind] : `Retired · ${SITE_KIND_LABEL[site.kind].toLowerCase()}`}
        </span>
      </div>
      <SiteActions site={site} />

      <dl className="card mt-4 grid grid-cols-2 gap-4 p-5 text-sm sm:grid-cols-4">
        <DetailItem label="Label code">
          <span className="font-mono" data-testid="site-code">
            {site.code}
          </span>
        </DetailItem>
        <DetailItem label="Service provider">{site.serviceProvider ?? "—"}</DetailItem>
        <DetailItem label="Default custodian">{site.defaultCustodian ?? "—"}</DetailItem>
        <DetailItem label="Cartridges here">{site.cartridgesHere}</DetailItem>
        <DetailItem label="Last complete audit">
          <InventoryDate inventory={inventory} />
          <span className="mt-1 flex flex-wrap gap-x-3 text-xs font-normal">
            <Link href={`/backup/audits?site=${site.id}`} className="text-brand-700 hover:underline">
              Audits of this site
            </Link>
            {site.active && (
              <Can capability="audits.run">
                <Link href={`/backup/audits/new?site=${site.id}`} className="text-brand-700 hover:underline">
                  Start an audit
                </Link>
              </Can>
            )}
          </span>
        </DetailItem>
        <div className="col-span-2 sm:col-span-4">
          <dt className="text-xs text-slate-500">Address</dt>
          <dd className="whitespace-pre-wrap">{site.address ?? "—"}</dd>
        </div>
      </dl>

      <SiteCartridges siteId={site.id} />
    </div>
  );
}
