import bwipjs from "bwip-js/node";
import type { Metadata } from "next";
import Link from "next/link";
import { SITE_KIND_LABEL } from "@/lib/vocabulary";
import { loadSite } from "../load-site";
import { PrintButton } from "./print-button";

export const metadata: Metadata = { title: "Site label" };

// Printing shows the label alone: the app's navigation and this page's controls are hidden.
const PRINT_CSS = `@media print {
  body * { visibility: hidden; }
  .site-label, .site-label * { visibility: visible; }
  .site-label { position: absolute; left: 0; top: 0; border: none; }
}`;

export default async function SiteLabelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const site = await loadSite(id);
  // Code 39, like the cartridges' own labels: every scanner in use reads it, and the code is Code 39 text.
  const svg = bwipjs.toSVG({ bcid: "code39", text: site.code, height: 14, includetext: true, textxalign: "center" });

  return (
    <div className="mx-auto max-w-3xl">
      <style>{PRINT_CSS}</style>
      <Link href={`/manage/sites/${site.id}`} className="text-sm text-brand-700 hover:underline">
        ← {site.name}
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Label for {site.name}</h1>
      <p className="mt-1 text-sm text-slate-600">
        Stick it where cartridges are put down. Scanning it into a location form&apos;s site field picks this site.
      </p>
      <PrintButton />

      <figure className="site-label card mt-6 inline-block p-6 text-center" data-testid="site-label">
        {/* eslint-disable-next-line @next/next/no-img-element -- a generated SVG, nothing for the image optimiser to do */}
        <img
          src={`data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`}
          alt={`Barcode ${site.code}`}
          className="mx-auto h-28"
        />
        <figcaption className="mt-3">
          <span className="block text-xl font-semibold">{site.name}</span>
          <span className="block text-sm text-slate-600">{SITE_KIND_LABEL[site.kind]}</span>
        </figcaption>
      </figure>
    </div>
  );
}
