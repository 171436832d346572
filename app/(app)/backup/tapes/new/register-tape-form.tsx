"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, type KeyboardEvent } from "react";
import { useWatch } from "react-hook-form";
import { toast } from "sonner";
import { Form, FormActions, formFields, useZodForm } from "@/app/_components/field";
import { useTRPC } from "@/app/_trpc/client";
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
import { SETTABLE_TAPE_STATUS_LABEL } from "@/lib/vocabulary";

const { TextField, TextAreaField, SelectField, CheckboxField } = formFields<RegisterTapeFormValues>();
const MEDIA_OPTIONS = Object.fromEntries(MEDIA_CHOICES.map((choice) => [choice.mediaId, choice.label]));

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
  const registerTape = useMutation(trpc.tapes.register.mutationOptions());
  const form = useZodForm(registerTapeFormSchema, { defaultValues: REGISTER_TAPE_FORM_DEFAULTS });
  const { dirtyFields } = form.formState;
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

  async function onSubmit(input: RegisterTapeInput) {
    const tape = await registerTape.mutateAsync(input);
    // The overview's table keeps its list for a while; it would not show the new cartridge yet.
    void queryClient.invalidateQueries({ queryKey: trpc.tapes.list.pathKey() });
    toast.success(`Cartridge ${tape.barcode} registered.`);
    router.push("/backup");
    router.refresh();
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="card mt-6 space-y-5 p-5 sm:p-6">
      <TextField
        name="barcode"
        label="Barcode label"
        hint={
          nonStandard
            ? `A legacy or in-house label: up to ${NON_STANDARD_LABEL_MAX} letters, digits and hyphens, e.g. ACME-0042.`
            : "Type the label or scan it with a USB scanner, e.g. 000123L9."
        }
        // A problem found when Enter was pressed stands until the label is typed again.
        onChange={() => form.clearErrors("barcode")}
        onKeyDown={onBarcodeKeyDown}
        className="font-mono uppercase"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        autoFocus
      />

      <div className="space-y-3 rounded-md border border-slate-200 p-3">
        <CheckboxField
          name="nonStandard"
          label="Non-standard label"
          hint="The label is not an LTO label (a legacy 6-character or an in-house label), so choose the generation by hand."
          onChange={() => form.clearErrors(["barcode", "mediaId"])}
        />
        {nonStandard && (
          <SelectField name="mediaId" label="Generation" options={MEDIA_OPTIONS} placeholder="Choose the generation…" />
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
        <TextField
          name="capacityGb"
          label="Native capacity (GB)"
          hint={
            nonStandard
              ? "Filled from the generation; change it for unusual media."
              : "Filled from the label; change it for unusual media."
          }
          inputMode="decimal"
        />
        <SelectField name="status" label="Status" options={SETTABLE_TAPE_STATUS_LABEL} />
      </div>
      <TextField
        name="tags"
        label="Usage tags"
        hint="Separate tags with commas, e.g. monthly, finance."
        autoComplete="off"
      />
      <TextAreaField name="notes" label="Notes" rows={3} />
      <FormActions
        submit="Register cartridge"
        busy="Registering…"
        pending={form.formState.isSubmitting}
        onCancel={() => router.push("/backup")}
      />
    </Form>
  );
}
