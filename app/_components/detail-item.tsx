import type { ReactNode } from "react";

/** One labelled value of a record's details (a `<dl>` entry), as the cartridge and site pages show them. */
export function DetailItem({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="font-medium">{children}</dd>
    </div>
  );
}
