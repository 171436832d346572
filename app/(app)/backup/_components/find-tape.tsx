"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type ComponentProps, type FormEvent } from "react";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { normaliseLabel } from "@/lib/lto";

type FoundTape = { id: string; barcode: string };

/**
 * The cartridge a typed or scanned barcode names (a USB scanner types the label and Enter): the cartridge,
 * or why there is none, in words for the user; null for an empty field.
 */
export function useTapeLookup() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async (typed: string): Promise<{ tape: FoundTape } | { message: string } | null> => {
    const barcode = normaliseLabel(typed);
    if (!barcode) return null;
    try {
      const tape = await queryClient.fetchQuery(trpc.tapes.byBarcode.queryOptions({ barcode }, { staleTime: 0 }));
      return tape ? { tape } : { message: `No cartridge with barcode ${barcode} is registered.` };
    } catch (error) {
      return { message: errorMessage(error) };
    }
  };
}

/** A field a cartridge's barcode is typed or scanned into: upper case, no spelling help or autofill. */
export function BarcodeInput({ className, ...props }: ComponentProps<"input">) {
  return (
    <input
      {...props}
      className={`input font-mono uppercase placeholder:font-sans placeholder:normal-case ${className ?? ""}`}
      autoComplete="off"
      autoCapitalize="characters"
      spellCheck={false}
    />
  );
}

/** Type or scan a barcode to open that cartridge's page. */
export function FindTape() {
  const router = useRouter();
  const lookup = useTapeLookup();
  const [value, setValue] = useState("");
  const [message, setMessage] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setMessage(null);
    const found = await lookup(value);
    if (found && "tape" in found) {
      router.push(`/backup/tapes/${found.tape.id}`);
      return;
    }
    setMessage(found?.message ?? null);
    setPending(false);
  }

  return (
    <form onSubmit={onSubmit} role="search" className="w-full sm:w-72">
      <label htmlFor="find-tape" className="sr-only">
        Find tape by barcode
      </label>
      <div className="flex gap-2">
        <BarcodeInput
          id="find-tape"
          value={value}
          onChange={(event) => setValue(event.target.value)}
          placeholder="Find tape by barcode"
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
