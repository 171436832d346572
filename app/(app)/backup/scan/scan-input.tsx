"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useState, type FormEvent } from "react";
import { useLiveQuery } from "@/app/_client/use-live-query";
import { useTRPC } from "@/app/_trpc/client";
import { parseCartridgeBarcode, parseLtoLabel } from "@/lib/lto";
import { CameraView } from "./camera-view";
import { scanFeedback, type ScanSound } from "./feedback";

/** What became of a read, as it is announced and heard: `sound` when there is something to hear. */
export type ScanOutcome = { message: string; sound?: ScanSound };

/**
 * The ways a label comes in, for every screen that scans: the camera, and a label typed by hand or by a
 * USB/Bluetooth scanner (which types it and Enter). Each read goes to `onScan`, whose outcome is announced
 * in a polite live region (a courier scanning need not look at the screen) and heard. `resetKey` starts a
 * new round: labels still in view are read again and the last announcement is dropped.
 */
export function ScanInput({ onScan, resetKey }: { onScan: (barcode: string) => ScanOutcome; resetKey: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [typed, setTyped] = useState("");
  const [typedError, setTypedError] = useState<string | null>(null);
  // Kept with the round it belongs to: the same read in a new round is news again.
  const [announced, setAnnounced] = useState({ message: "", resetKey });
  const announcement = announced.resetKey === resetKey ? announced.message : "";

  const read = useCallback(
    (barcode: string) => {
      const outcome = onScan(barcode);
      setAnnounced({ message: outcome.message, resetKey });
      if (outcome.sound) scanFeedback(outcome.sound);
    },
    [onScan, resetKey],
  );

  function refuse(reason: string) {
    setTypedError(reason);
    setAnnounced({ message: `Not added: ${reason}.`, resetKey });
  }

  // A non-standard label is read only for a cartridge this device's catalogue knows, so that a misread of a
  // free-form label is never taken.
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
    read(parsed.barcode);
  }

  return (
    <>
      <p role="status" aria-live="polite" className="sr-only" data-testid="read-announcement">
        {announcement}
      </p>
      <CameraView onDetect={read} resetKey={resetKey} isRegistered={isRegistered} />
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
    </>
  );
}
