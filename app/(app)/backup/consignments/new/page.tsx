import type { Metadata } from "next";
import { FormError } from "@/app/_components/field";
import { FormPage } from "../../_components/form-page";
import { tapesFromAddress } from "../../_components/tapes-from-address";
import { ConsignmentForm } from "../consignment-form";

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
  const { tapes, unknown } = await tapesFromAddress(barcodes, MAX_PREFILLED);

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
