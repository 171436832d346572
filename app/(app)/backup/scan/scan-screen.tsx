"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { useFieldSync } from "@/app/_client/field-sync";
import { InvalidEventError } from "@/app/_client/invalid-event-error";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { useTRPC } from "@/app/_trpc/client";
import { parseCartridgeBarcode, parseLtoLabel } from "@/lib/lto";
import { useCan, useRefusal } from "@/app/_components/writers-only";
import { HandOffAction, LogLocationAction } from "./batch-actions";
import { BatchList } from "./batch-list";
import { CameraView } from "./camera-view";
import { confirmScan } from "./feedback";

type Action = "location" | "handoff";

export function ScanScreen() {
  const canRecord = useCan("movements.record");
  const recordRefused = useRefusal("movements.record");
  const sync = useFieldSync();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [batch, setBatch] = useState<string[]>([]);
  const [batchNumber, setBatchNumber] = useState(0);
  const [typed, setTyped] = useState("");
  const [typedError, setTypedError] = useState<string | null>(null);
  const [action, setAction] = useState<Action>("location");
  const [notice, setNotice] = useState<string | null>(null);
  // What became of the latest read, for screen readers: a courier scanning need not look at the screen.
  const [announcement, setAnnouncement] = useState("");

  const add = useCallback(
    (barcode: string) => {
      if (batch.includes(barcode)) {
        setAnnouncement(`${barcode} is already in the batch.`);
        return;
      }
      setBatch((current) => (current.includes(barcode) ? current : [...current, barcode]));
      setAnnouncement(`${barcode} added to the batch.`);
      setNotice(null);
    },
    [batch],
  );

  function refuse(reason: string) {
    setTypedError(reason);
    setAnnouncement(`Not added: ${reason}.`);
  }

  // A non-standard label is read only for a cartridge this device's catalogue knows, so that a misread of a
  // free-form label never joins the batch.
  const cachedBarcodes = useLiveQuery((db) => db.catalogue.toCollection().primaryKeys(), []);
  const cached = useMemo(() => new Set(cachedBarcodes), [cachedBarcodes]);
  const isRegistered = useCallback((barcode: string) => cached.has(barcode), [cached]);

  /** A typed non-standard label: the catalogue, or the server for a cartridge registered since the last pull. */
  async function registeredNonStandard(barcode: string) {
    if (cached.has(barcode)) return true;
    try {
      return !!(await queryClient.fetchQuery(trpc.tapes.byBarcode.queryOptions({ barcode }, { staleTime: 0 })));
    } catch {
      return false;
    }
  }

  // A beep for each cartridge that joins the batch, not for one seen again.
  const size = useRef(0);
  useEffect(() => {
    if (batch.length > size.current) confirmScan();
    size.current = batch.length;
  }, [batch.length]);

  // Typed by hand or by a USB/Bluetooth scanner, which types the label and Enter.
  async function onTyped(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = parseCartridgeBarcode(typed);
    if (!parsed.ok) {
      refuse(parsed.error);
      return;
    }
    if (!parseLtoLabel(parsed.barcode).ok && !(await registeredNonStandard(parsed.barcode))) {
      refuse(`${parsed.barcode} is not an LTO label, and no cartridge with this non-standard label is registered`);
      return;
    }
    setTypedError(null);
    setTyped("");
    add(parsed.barcode);
  }

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
    // The same read in a new batch is news again; an unchanged region would not be read out.
    setAnnouncement("");
  }

  function recorded(message: string) {
    clearBatch();
    setNotice(`${message} It syncs as soon as there is a connection.`);
  }

  return (
    <div className="mx-auto grid max-w-5xl gap-6 lg:grid-cols-2">
      <div className="space-y-3">
        <h1 className="text-2xl font-semibold">Scan cartridges</h1>
        <p role="status" aria-live="polite" className="sr-only" data-testid="read-announcement">
          {announcement}
        </p>
        <CameraView onDetect={add} resetKey={batchNumber} isRegistered={isRegistered} />
        <form onSubmit={(event) => void onTyped(event)} className="flex gap-2" noValidate>
          <label htmlFor="typed-label" className="sr-only">
            Cartridge label
          </label>
          <input
            id="typed-label"
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            placeholder="Or type the label, e.g. 000123L9"
            className="input font-mono uppercase placeholder:font-sans placeholder:normal-case"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            aria-invalid={!!typedError}
            aria-describedby={typedError ? "typed-label-error" : undefined}
          />
          <button type="submit" className="btn-secondary">
            Add
          </button>
        </form>
        {typedError && (
          <p id="typed-label-error" className="text-xs text-red-700">
            {typedError}
          </p>
        )}
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
