import type { Metadata } from "next";
import Link from "next/link";
import { stepRefusal } from "@/lib/consignments";
import { FormPage } from "../../../_components/form-page";
import { ConsignmentForm } from "../../consignment-form";
import { loadConsignment } from "../load-consignment";

export const metadata: Metadata = { title: "Edit consignment" };

export default async function EditConsignmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const consignment = await loadConsignment(id);
  const refused = stepRefusal("edit", consignment.state);
  const back = `/backup/consignments/${consignment.id}`;

  return (
    <FormPage
      back={{ href: back, label: consignment.number }}
      title={`Edit ${consignment.number}`}
      capability="consignments.manage"
    >
      {refused ? (
        <p role="alert" className="card mt-6 p-6 text-sm text-slate-700">
          {refused}: only a draft is edited.{" "}
          <Link href={back} className="text-brand-700 hover:underline">
            Back to {consignment.number}
          </Link>
        </p>
      ) : (
        <ConsignmentForm
          start={{
            id: consignment.id,
            fromSiteId: consignment.fromSiteId,
            toSiteId: consignment.toSiteId,
            containerId: consignment.containerId,
            notes: consignment.notes,
            tapes: consignment.lines
              .filter((line) => line.expected)
              .map((line) => ({ id: line.tape.id, barcode: line.tape.barcode })),
          }}
        />
      )}
    </FormPage>
  );
}
