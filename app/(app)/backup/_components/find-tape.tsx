"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { normaliseLabel } from "@/lib/lto";

/** Type or scan (a USB scanner types the label and Enter) a barcode to open that cartridge's page. */
export function FindTape() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [value, setValue] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const barcode = normaliseLabel(value);
    if (!barcode) return;
    setPending(true);
    setMessage(null);
    try {
      const tape = await queryClient.fetchQuery(trpc.tapes.byBarcode.queryOptions({ barcode }, { staleTime: 0 }));
      if (tape) {
        router.push(`/backup/tapes/${tape.id}`);
        return;
      }
      setMessage(`No cartridge with barcode ${barcode} is registered.`);
    } catch (error) {
      setMessage(errorMessage(error));
    }
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} role="search" className="w-full sm:w-72">
      <label htmlFor="find-tape" className="sr-only">
        Find tape by barcode
      </label>
      <div className="flex gap-2">
        <input
          id="find-tape"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          placeholder="Find tape by barcode"
          className="input font-mono uppercase placeholder:font-sans placeholder:normal-case"
          autoComplete="off"
          spellCheck={false}
        />
        <button type="submit" className="btn-secondary" disabled={pending}>
          Open
        </button>
      </div>
      {message && (
        <p role="status" className="mt-1 text-xs text-red-700">
          {message}
        </p>
      )}
    </form>
  );
}
