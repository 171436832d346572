"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState, type KeyboardEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { Field, FormError } from "@/app/_components/field";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { formatBytes } from "@/lib/format";
import {
  labelWithMedia,
  MEDIA_CHOICES,
  MEDIA_TYPE_LABEL,
  NON_STANDARD_LABEL_MAX,
  parseLtoLabel,
  parseNonStandardLabel,
  type ParseResult,
} from "@/lib/lto";
import {
  capacityAsGb,
  REGISTER_TAPE_FORM_DEFAULTS,
  registerTapeFormSchema,
  type RegisterTapeFormValues,
  type RegisterTapeInput,
} from "@/lib/tapes";
import { TAPE_STATUSES, TAPE_STATUS_LABEL } from "@/lib/vocabulary";

/** What the typed label says: parsed from a standard label, or the generation chosen for a non-standard one. */
function previewOf(barcode: string, nonStandard: boolean, mediaId: string): ParseResult | null {
  if (!barcode.trim()) return null;
  if (!nonStandard) return parseLtoLabel(barcode);
  const parsed = parseNonStandardLabel(barcode);
  if (!parsed.ok) return parsed;
  const label = labelWithMedia(parsed.barcode, mediaId);
  return label ? { ok: true, label } : { ok: false, error: "Choose the cartridge's generation" };
}

export function RegisterTapeForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [formError, setFormError] = useState<string | null>(null);
  const register = useMutation(trpc.tapes.register.mutationOptions());
  const form = useForm<RegisterTapeFormValues, unknown, RegisterTapeInput>({
    resolver: zodResolver(registerTapeFormSchema),
    defaultValues: REGISTER_TAPE_FORM_DEFAULTS,
  });
  const { errors, dirtyFields } = form.formState;
  const [barcode, nonStandard, mediaId] = useWatch({
    control: form.control,
    name: ["barcode", "nonStandard", "mediaId"],
  });
  const preview = previewOf(barcode, nonStandard, mediaId);
  const label = preview?.ok ? preview.label : null;

  // Capacity follows the label, or the generation chosen, until someone types one of their own.
  const derivedCapacity = capacityAsGb(label?.nativeCapacityBytes);
  useEffect(() => {
    if (!dirtyFields.capacityGb) form.setValue("capacityGb", derivedCapacity);
  }, [derivedCapacity, dirtyFields.capacityGb, form]);

  // A USB scanner types the label and presses Enter: go on to the next field instead of submitting half a form.
  function onBarcodeKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    const parsed = nonStandard ? parseNonStandardLabel(barcode) : parseLtoLabel(barcode);
    if (!parsed.ok) {
      form.setError("barcode", { message: parsed.error });
      return;
    }
    form.setValue("barcode", "label" in parsed ? parsed.label.barcode : parsed.barcode);
    form.clearErrors("barcode");
    form.setFocus(nonStandard ? "mediaId" : "status");
  }

  const onSubmit = form.handleSubmit(async (input) => {
    setFormError(null);
    try {
      const tape = await register.mutateAsync(input);
      // The overview's table keeps its list for a while; it would not show the new cartridge yet.
      void queryClient.invalidateQueries({ queryKey: trpc.tapes.list.pathKey() });
      toast.success(`Cartridge ${tape.barcode} registered.`);
      router.push("/backup");
      router.refresh();
    } catch (error) {
      setFormError(errorMessage(error));
    }
  });

  const describedBy = (name: keyof RegisterTapeFormValues) => (errors[name] ? `${name}-error` : `${name}-hint`);
  const barcodeField = form.register("barcode", { onChange: () => form.clearErrors("barcode") });

  return (
    <form onSubmit={onSubmit} noValidate className="card mt-6 space-y-5 p-5 sm:p-6">
      <FormError message={formError} />
      <Field
        id="barcode"
        label="Barcode label"
        hint={
          nonStandard
            ? `A legacy or in-house label: up to ${NON_STANDARD_LABEL_MAX} letters, digits and hyphens, e.g. ACME-0042.`
            : "Type the label or scan it with a USB scanner, e.g. 000123L9."
        }
        error={errors.barcode?.message}
      >
        <input
          id="barcode"
          {...barcodeField}
          onKeyDown={onBarcodeKeyDown}
          className="input font-mono uppercase"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          autoFocus
          aria-invalid={!!errors.barcode}
          aria-describedby={describedBy("barcode")}
        />
      </Field>

      <div className="space-y-3 rounded-md border border-slate-200 p-3">
        <label className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            {...form.register("nonStandard", { onChange: () => form.clearErrors(["barcode", "mediaId"]) })}
            className="mt-0.5"
            aria-describedby="nonStandard-hint"
          />
          <span>
            <span className="font-medium">Non-standard label</span>
            <span id="nonStandard-hint" className="block text-xs text-slate-500">
              The label is not an LTO label (a legacy 6-character or an in-house label), so choose the generation by
              hand.
            </span>
          </span>
        </label>
        {nonStandard && (
          <Field id="mediaId" label="Generation" error={errors.mediaId?.message}>
            <select
              id="mediaId"
              {...form.register("mediaId")}
              className="input"
              aria-invalid={!!errors.mediaId}
              aria-describedby={errors.mediaId ? "mediaId-error" : undefined}
            >
              <option value="">Choose the generation…</option>
              {MEDIA_CHOICES.map((choice) => (
                <option key={choice.mediaId} value={choice.mediaId}>
                  {choice.label}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>

      <div aria-live="polite" className="rounded-md bg-slate-50 px-3 py-2 text-sm" data-testid="label-preview">
        {!preview && (
          <span className="text-slate-500">
            {nonStandard
              ? "The media type and capacity come from the generation chosen."
              : "The generation, media type and capacity come from the label."}
          </span>
        )}
        {preview && !preview.ok && <span className="text-red-700">{preview.error}</span>}
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
          id="capacityGb"
          label="Native capacity (GB)"
          hint={
            nonStandard
              ? "Filled from the generation; change it for unusual media."
              : "Filled from the label; change it for unusual media."
          }
          error={errors.capacityGb?.message}
        >
          <input
            id="capacityGb"
            inputMode="decimal"
            {...form.register("capacityGb")}
            className="input"
            aria-invalid={!!errors.capacityGb}
            aria-describedby={describedBy("capacityGb")}
          />
        </Field>
        <Field id="status" label="Status" error={errors.status?.message}>
          <select id="status" {...form.register("status")} className="input" aria-invalid={!!errors.status}>
            {TAPE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {TAPE_STATUS_LABEL[status]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field
        id="tags"
        label="Usage tags"
        hint="Separate tags with commas, e.g. monthly, finance."
        error={errors.tags?.message}
      >
        <input
          id="tags"
          {...form.register("tags")}
          className="input"
          autoComplete="off"
          aria-invalid={!!errors.tags}
          aria-describedby={describedBy("tags")}
        />
      </Field>
      <Field id="notes" label="Notes" error={errors.notes?.message}>
        <textarea id="notes" rows={3} {...form.register("notes")} className="input" aria-invalid={!!errors.notes} />
      </Field>
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={() => router.push("/backup")}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={form.formState.isSubmitting}>
          {form.formState.isSubmitting ? "Registering…" : "Register cartridge"}
        </button>
      </div>
    </form>
  );
}
