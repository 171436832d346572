import type { Metadata } from "next";
import { FormError } from "@/app/_components/field";
import { serverCaller } from "@/app/_trpc/server";
import { normaliseLabel } from "@/lib/lto";
import { FormPage } from "../../_components/form-page";
import { ConsignmentForm, type PickedTape } from "../consignment-form";

export const metadata: Metadata = { title: "New consignment" };

/** At most this many barcodes are taken from the address, as many as a consignment may hold. */
const MAX_PREFILLED = 1000;

/**
 * A new draft; `?from=<site id>&barcodes=A,B` (from a rotation list's selection) starts it with that site
 * and those cartridges.
 */
export default async function NewConsignmentPage({
  searchParams,
}: {
  searchParams: Promise<{ from?: string; barcodes?: string }>;
}) {
  const { from, barcodes } = await searchParams;
  const wanted = [...new Set((barcodes ?? "").split(",").map(normaliseLabel).filter(Boolean))].slice(0, MAX_PREFILLED);
  const caller = await serverCaller();
  const found = await Promise.all(wanted.map((barcode) => caller.tapes.byBarcode({ barcode })));
  const tapes: PickedTape[] = found.flatMap((tape) => (tape ? [{ id: tape.id, barcode: tape.barcode }] : []));
  const unknown = wanted.filter((_, index) => !found[index]);

  return (
    <FormPage
      back={{ href: "/backup/consignments", label: "Consignments" }}
      title="New consignment"
      capability="consignments.manage"
    >
      {unknown.length > 0 && (
        <div className="mt-4">
          <FormError message={`No cartridge is registered with the barcode ${unknown.join(", ")}: left out.`} />
        </div>
      )}
      <ConsignmentForm start={{ fromSiteId: from, tapes }} />
    </FormPage>
  );
}
