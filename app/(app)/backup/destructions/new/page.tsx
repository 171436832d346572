import type { Metadata } from "next";
import { FormError } from "@/app/_components/field";
import { MAX_DESTRUCTION_TAPES } from "@/lib/destruction";
import { FormPage } from "../../_components/form-page";
import { tapesFromAddress } from "../../_components/tapes-from-address";
import { DestructionForm } from "./destruction-form";

export const metadata: Metadata = { title: "Record a destruction" };

/** A new destruction; `?barcodes=A,B` (a cartridge page's or a list's choice) starts it with those cartridges. */
export default async function NewDestructionPage({ searchParams }: { searchParams: Promise<{ barcodes?: string }> }) {
  const { barcodes } = await searchParams;
  const { tapes, unknown } = await tapesFromAddress(barcodes, MAX_DESTRUCTION_TAPES);

  return (
    <FormPage
      back={{ href: "/backup/destructions", label: "Destructions" }}
      title="Record a destruction"
      capability="destruction.record"
    >
      {unknown.length > 0 && (
        <div className="mt-4">
          <FormError message={`No cartridge is registered with the barcode ${unknown.join(", ")}: left out.`} />
        </div>
      )}
      <DestructionForm start={tapes} />
    </FormPage>
  );
}
