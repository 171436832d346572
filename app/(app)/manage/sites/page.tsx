import type { Metadata } from "next";
import { SitesManager } from "./sites-manager";

export const metadata: Metadata = { title: "Sites" };

export default function SitesPage() {
  return (
    <div className="mx-auto max-w-6xl">
      <h1 className="text-2xl font-semibold">Sites</h1>
      <p className="mt-1 text-sm text-slate-600">
        The places cartridges are kept: the server room, the vaults they rotate to. Locations name a site from this
        list; each site has a barcode label a scanner can read into the location forms.
      </p>
      <SitesManager />
    </div>
  );
}
