import type { Metadata } from "next";
import Link from "next/link";
import { CONSIGNMENT_LIST_FILTERS, type ConsignmentListFilter } from "@/lib/consignments";
import { ConsignmentsList } from "./consignments-list";

export const metadata: Metadata = { title: "Consignments" };

export default async function ConsignmentsPage({ searchParams }: { searchParams: Promise<{ filter?: string }> }) {
  const { filter } = await searchParams;
  const initial = CONSIGNMENT_LIST_FILTERS.find((candidate) => candidate === filter) as
    ConsignmentListFilter | undefined;
  return (
    <div className="mx-auto max-w-6xl">
      <Link href="/backup" className="text-sm text-brand-700 hover:underline">
        ← Backup Monitor
      </Link>
      <h1 className="mt-2 text-2xl font-semibold">Consignments</h1>
      <p className="mt-1 text-sm text-slate-600">
        Cases of cartridges moving between sites: planned, approved where needed, scanned out at dispatch and in at
        receipt, with what went missing on the way.
      </p>
      <ConsignmentsList key={initial ?? "open"} initialFilter={initial ?? "open"} />
    </div>
  );
}
