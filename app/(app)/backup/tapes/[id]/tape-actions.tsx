"use client";

import Link from "next/link";
import { useState } from "react";
import { useCan } from "@/app/_components/writers-only";
import { DeleteDialog } from "../../_components/delete-dialog";
import { CorrectBarcodeDialog } from "./correct-barcode-dialog";
import { CustodyForm } from "./custody-form";
import { LogLocationForm } from "./log-location-form";

type Panel = "location" | "custody" | null;

/** The actions of a cartridge page, each shown only to those whose role and access allow it. */
export function TapeActions({ tape }: { tape: { id: string; barcode: string; nonStandardLabel: boolean } }) {
  const tapeId = tape.id;
  const canRecord = useCan("movements.record");
  const canEdit = useCan("catalogue.edit");
  // A correction rewrites what every record of the cartridge is found by: administrators only.
  const canCorrectBarcode = useCan("catalogue.correct");
  const canDelete = useCan("catalogue.delete");
  const [panel, setPanel] = useState<Panel>(null);
  const [deleting, setDeleting] = useState(false);
  const [correcting, setCorrecting] = useState(false);
  const toggle = (next: Panel) => setPanel((current) => (current === next ? null : next));

  if (!canRecord && !canEdit && !canCorrectBarcode && !canDelete) return null;
  return (
    <div className="mt-4">
      <div className="flex flex-wrap gap-2">
        {canRecord && (
          <>
            <button
              type="button"
              className="btn-primary"
              aria-expanded={panel === "location"}
              onClick={() => toggle("location")}
            >
              Log Location
            </button>
            <button
              type="button"
              className="btn-primary"
              aria-expanded={panel === "custody"}
              onClick={() => toggle("custody")}
            >
              Record Custody Event
            </button>
          </>
        )}
        {canEdit && (
          <Link href={`/backup/tapes/${tapeId}/edit`} className="btn-secondary">
            Edit
          </Link>
        )}
        {canCorrectBarcode && (
          <button type="button" className="btn-secondary" onClick={() => setCorrecting(true)}>
            Correct barcode
          </button>
        )}
        {canDelete && (
          <button type="button" className="btn-secondary text-red-700" onClick={() => setDeleting(true)}>
            Delete
          </button>
        )}
      </div>
      {canRecord && panel && (
        <div className="card mt-3 p-5">
          <h2 className="mb-4 text-base font-semibold">
            {panel === "location" ? "Log location" : "Record custody event"}
          </h2>
          {panel === "location" ? (
            <LogLocationForm tapeId={tapeId} onDone={() => setPanel(null)} />
          ) : (
            <CustodyForm tapeId={tapeId} onDone={() => setPanel(null)} />
          )}
        </div>
      )}
      {canDelete && (
        <DeleteDialog target={deleting ? { kind: "tape", id: tape.id } : null} onClose={() => setDeleting(false)} />
      )}
      {canCorrectBarcode && <CorrectBarcodeDialog tape={tape} open={correcting} onClose={() => setCorrecting(false)} />}
    </div>
  );
}
