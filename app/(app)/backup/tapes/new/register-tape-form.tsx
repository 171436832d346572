"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { toast } from "sonner";
import { Field, FormError } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { formatBytes } from "@/lib/format";
import { MEDIA_TYPE_LABEL, parseLtoLabel } from "@/lib/lto";
import { registerTapeSchema } from "@/lib/tapes";
import { TAPE_STATUSES, TAPE_STATUS_LABEL } from "@/lib/vocabulary";

type Errors = Partial<Record<"barcode" | "nativeCapacityBytes" | "status" | "tags" | "notes", string>>;
const GB = 1_000_000_000;

export function RegisterTapeForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const statusRef = useRef<HTMLSelectElement>(null);
  const [barcode, setBarcode] = useState("");
  const [capacityGb, setCapacityGb] = useState("");
  const [capacityEdited, setCapacityEdited] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const register = useMutation(trpc.tapes.register.mutationOptions());

  const parsed = barcode.trim() ? parseLtoLabel(barcode) : null;
  const label = parsed?.ok ? parsed.label : null;

  function onBarcodeChange(value: string) {
    setBarcode(value);
    setErrors((current) => ({ ...current, barcode: undefined }));
    const result = parseLtoLabel(value);
    if (!capacityEdited) {
      setCapacityGb(
        result.ok && result.label.nativeCapacityBytes ? String(Number(result.label.nativeCapacityBytes) / GB) : "",
      );
    }
  }

  // A USB scanner types the label and presses Enter: go on to the next field instead of submitting half a form.
  function onBarcodeKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const result = parseLtoLabel(barcode);
    if (result.ok) {
      setBarcode(result.label.barcode);
      statusRef.current?.focus();
    } else {
      setErrors((current) => ({ ...current, barcode: result.error }));
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const gb = capacityGb.trim();
    const capacity = gb === "" ? undefined : Number(gb);
    const next: Errors = {};
    if (capacity !== undefined && (!Number.isFinite(capacity) || capacity <= 0))
      next.nativeCapacityBytes = "Capacity must be a positive number of GB";
    const input = {
      barcode,
      nativeCapacityBytes:
        capacity !== undefined && !next.nativeCapacityBytes ? BigInt(Math.round(capacity * GB)) : undefined,
      status: String(form.get("status")),
      tags: String(form.get("tags") ?? "")
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
      notes: String(form.get("notes") ?? ""),
    };
    const result = registerTapeSchema.safeParse(input);
    if (!result.success) for (const issue of result.error.issues) next[issue.path[0] as keyof Errors] ??= issue.message;
    setErrors(next);
    setFormError(null);
    if (!result.success || Object.keys(next).length > 0) return;
    try {
      const tape = await register.mutateAsync({ ...input, status: result.data.status });
      // The overview's table keeps its list for a while; it would not show the new cartridge yet.
      void queryClient.invalidateQueries({ queryKey: trpc.tapes.list.pathKey() });
      toast.success(`Cartridge ${tape.barcode} registered.`);
      router.push("/backup");
      router.refresh();
    } catch (error) {
      setFormError(errorMessage(error));
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="card mt-6 space-y-5 p-5 sm:p-6">
      <FormError message={formError} />
      <Field
        id="barcode"
        label="Barcode label"
        hint="Type the label or scan it with a USB scanner, e.g. 000123L9."
        error={errors.barcode}
      >
        <input
          id="barcode"
          name="barcode"
          value={barcode}
          onChange={(event) => onBarcodeChange(event.target.value)}
          onKeyDown={onBarcodeKeyDown}
          className="input font-mono uppercase"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          autoFocus
          aria-invalid={!!errors.barcode}
          aria-describedby={errors.barcode ? "barcode-error" : "barcode-hint"}
        />
      </Field>

      <div aria-live="polite" className="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="label-preview">
        {!parsed && (
          <span className="text-slate-500">The generation, media type and capacity come from the label.</span>
        )}
        {parsed && !parsed.ok && <span className="text-red-700">{parsed.error}</span>}
        {label && (
          <dl className="grid grid-cols-3 gap-2">
            <div>
              <dt className="text-xs text-slate-500">Generation</dt>
              <dd className="font-medium">{label.generationLabel ?? "Any (cleaning)"}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Media type</dt>
              <dd className="font-medium">{MEDIA_TYPE_LABEL[label.mediaType]}</dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Native capacity</dt>
              <dd className="font-medium">{formatBytes(label.nativeCapacityBytes)}</dd>
            </div>
          </dl>
        )}
      </div>

      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          id="capacity"
          label="Native capacity (GB)"
          hint="Filled from the label; change it for unusual media."
          error={errors.nativeCapacityBytes}
        >
          <input
            id="capacity"
            inputMode="decimal"
            value={capacityGb}
            onChange={(event) => {
              setCapacityEdited(true);
              setCapacityGb(event.target.value);
            }}
            className="input"
            aria-invalid={!!errors.nativeCapacityBytes}
          />
        </Field>
        <Field id="status" label="Status" error={errors.status}>
          <select id="status" name="status" ref={statusRef} className="input" defaultValue="empty">
            {TAPE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {TAPE_STATUS_LABEL[status]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field id="tags" label="Usage tags" hint="Separate tags with commas, e.g. monthly, finance." error={errors.tags}>
        <input id="tags" name="tags" className="input" autoComplete="off" />
      </Field>
      <Field id="notes" label="Notes" error={errors.notes}>
        <textarea id="notes" name="notes" rows={3} className="input" />
      </Field>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={() => router.push("/backup")}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={register.isPending}>
          {register.isPending ? "Registering…" : "Register cartridge"}
        </button>
      </div>
    </form>
  );
}
