"use client";

import { useCallback, useState } from "react";
import { FieldAuditList } from "@/app/(app)/backup/audits/_field/field-audit-list";
import { FieldConsignmentList } from "@/app/(app)/backup/consignments/_field/field-consignment-list";
import { useFieldSync } from "@/app/_client/field-sync";
import { InvalidEventError } from "@/app/_client/invalid-event-error";
import { useCan, useRefusal } from "@/app/_components/writers-only";
import { HandOffAction, LogLocationAction } from "./batch-actions";
import { BatchList } from "./batch-list";
import { ScanInput, type ScanOutcome } from "./scan-input";

type Action = "location" | "handoff";

export function ScanScreen() {
  const canRecord = useCan("movements.record");
  const recordRefused = useRefusal("movements.record");
  const sync = useFieldSync();
  const [batch, setBatch] = useState<string[]>([]);
  const [batchNumber, setBatchNumber] = useState(0);
  const [action, setAction] = useState<Action>("location");
  const [notice, setNotice] = useState<string | null>(null);

  const add = useCallback(
    (barcode: string): ScanOutcome => {
      if (batch.includes(barcode)) return { message: `${barcode} is already in the batch.` };
      setBatch((current) => (current.includes(barcode) ? current : [...current, barcode]));
      setNotice(null);
      return { message: `${barcode} added to the batch.`, sound: "confirm" };
    },
    [batch],
  );

  async function register(barcode: string) {
    if (!sync) return;
    try {
      await sync.engine.enqueue({ type: "tape.registered", payload: { barcode } });
    } catch (error) {
      setNotice(
        error instanceof InvalidEventError ? error.message : "The registration could not be saved on this device.",
      );
    }
  }

  function clearBatch() {
    setBatch([]);
    setBatchNumber((n) => n + 1);
  }

  function recorded(message: string) {
    clearBatch();
    setNotice(`${message} It syncs as soon as there is a connection.`);
  }

  return (
    <div className="mx-auto grid max-w-5xl gap-6 lg:grid-cols-2">
      <div className="space-y-3">
        <h1 className="text-2xl font-semibold">Scan cartridges</h1>
        <ScanInput onScan={add} resetKey={batchNumber} />
        <FieldConsignmentList />
        <FieldAuditList />
      </div>

      <div className="space-y-3">
        <div className="flex items-center justify-between">
          <h2 className="text-lg font-semibold">
            Batch <span className="text-sm font-normal text-slate-500">({batch.length})</span>
          </h2>
          {batch.length > 0 && (
            <button type="button" className="text-sm text-brand-700 hover:underline" onClick={clearBatch}>
              Clear
            </button>
          )}
        </div>
        {notice && (
          <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {notice}
          </p>
        )}
        <BatchList
          barcodes={batch}
          onRemove={(barcode) => setBatch((b) => b.filter((x) => x !== barcode))}
          onRegister={register}
        />

        {canRecord ? (
          batch.length > 0 && (
            <div className="card p-4">
              <div role="tablist" aria-label="Action for the batch" className="mb-4 grid grid-cols-2 gap-2">
                {(["location", "handoff"] as const).map((tab) => (
                  <button
                    key={tab}
                    type="button"
                    role="tab"
                    aria-selected={action === tab}
                    onClick={() => setAction(tab)}
                    className="btn-secondary aria-selected:border-brand-600 aria-selected:bg-brand-50 aria-selected:text-brand-700"
                  >
                    {tab === "location" ? "Log location" : "Hand-off with signature"}
                  </button>
                ))}
              </div>
              {action === "location" ? (
                <LogLocationAction barcodes={batch} onRecorded={recorded} />
              ) : (
                <HandOffAction barcodes={batch} onRecorded={recorded} />
              )}
            </div>
          )
        ) : (
          <p className="text-sm text-slate-500">{recordRefused}: you can scan to look cartridges up.</p>
        )}
      </div>
    </div>
  );
}
