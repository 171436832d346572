"use client";

import { locationInWords } from "@/app/_client/field-audits";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { TAPE_STATUS_LABEL } from "@/lib/vocabulary";
import { useCan } from "@/app/_components/writers-only";

/** The scanned cartridges, with what this device knows of each (works offline from the cached catalogue). */
export function BatchList({
  barcodes,
  onRemove,
  onRegister,
}: {
  barcodes: string[];
  onRemove: (barcode: string) => void;
  onRegister: (barcode: string) => void;
}) {
  const canRegister = useCan("catalogue.edit");
  const cached = useLiveQuery((db) => db.catalogue.bulkGet(barcodes), [barcodes.join()]);

  if (barcodes.length === 0) {
    return <p className="card p-4 text-sm text-slate-500">Scan or type a label to start a batch.</p>;
  }
  return (
    <ul className="card divide-y divide-slate-100" aria-label="Batch" data-testid="batch">
      {barcodes.map((barcode, index) => {
        const tape = cached?.[index];
        return (
          <li key={barcode} className="flex items-center gap-3 px-4 py-3 text-sm" data-testid="batch-item">
            <span
              aria-hidden
              className="flex size-6 items-center justify-center rounded-full bg-emerald-100 text-emerald-700"
            >
              ✓
            </span>
            <div className="min-w-0 flex-1">
              <p className="font-mono font-medium">{barcode}</p>
              {tape ? (
                <p className="text-xs text-slate-500">
                  {TAPE_STATUS_LABEL[tape.status]}
                  {tape.id === null && " · registered on this device"}
                  {" · "}
                  {locationInWords(tape.location) ?? "no location yet"}
                </p>
              ) : cached ? (
                <p className="text-xs text-amber-700">
                  Not in the catalogue
                  {canRegister && (
                    <>
                      {" · "}
                      <button type="button" className="underline" onClick={() => onRegister(barcode)}>
                        Register it
                      </button>
                    </>
                  )}
                </p>
              ) : null}
            </div>
            <button
              type="button"
              className="rounded p-1 text-slate-500 hover:bg-slate-100"
              aria-label={`Remove ${barcode} from the batch`}
              onClick={() => onRemove(barcode)}
            >
              ✕
            </button>
          </li>
        );
      })}
    </ul>
  );
}
