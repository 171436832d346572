"use client";

import { useEffect, useMemo, useState } from "react";
import { useFormContext } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { useFieldSync } from "@/app/_client/field-sync";
import { InvalidEventError } from "@/app/_client/invalid-event-error";
import { Form, formFields, useZodForm } from "@/app/_components/field";
import { SignatureField } from "@/app/_components/signature-field";
import { useViewer } from "@/app/_components/writers-only";
import { dispatchSchema, receiptSchema, sealsMatch, type FieldConsignment } from "@/lib/consignments";
import type { SyncEventDraft } from "@/lib/sync/events";

type Props = {
  consignment: FieldConsignment;
  /** The cartridges going into the event: those expected and scanned, and the unexpected ones added. */
  barcodes: string[];
  /** Why the case cannot be signed for yet (unexpected cartridges not decided on); null when it can. */
  blocked: string | null;
  onRecorded: () => void;
};

const Seals = formFields<{ sealNumbers: string[] }>();
const Notes = formFields<{ notes: string }>();

/** The seal numbers of the case: one field each, at least one shown. */
function SealNumbers({ initial }: { initial: number }) {
  const { getValues, setValue, formState } = useFormContext<{ sealNumbers: string[] }>();
  const [count, setCount] = useState(Math.max(1, initial));
  const listError = (formState.errors.sealNumbers as { message?: string } | undefined)?.message;

  function remove(index: number) {
    setValue(
      "sealNumbers",
      getValues("sealNumbers").filter((_, other) => other !== index),
    );
    setCount((current) => current - 1);
  }

  return (
    <fieldset className="space-y-2">
      <legend className="label">Seal numbers</legend>
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="flex items-end gap-2">
          <div className="flex-1">
            <Seals.TextField name={`sealNumbers.${index}`} id={`seal-${index}`} label={`Seal ${index + 1}`} />
          </div>
          {count > 1 && (
            <button
              type="button"
              className="btn-secondary"
              aria-label={`Remove seal ${index + 1}`}
              onClick={() => remove(index)}
            >
              ✕
            </button>
          )}
        </div>
      ))}
      {listError && <p className="text-xs text-red-700">{listError}</p>}
      {count < 10 && (
        <button type="button" className="text-sm text-brand-700 hover:underline" onClick={() => setCount(count + 1)}>
          Add another seal
        </button>
      )}
    </fieldset>
  );
}

/** One signature for the whole case, notes, and the button that records the step. */
function SignAndRecord({
  who,
  blocked,
  ready,
  submit,
}: {
  who: "dispatch" | "receipt";
  blocked: string | null;
  ready: boolean;
  submit: string;
}) {
  const { setValue, resetField, formState } = useFormContext<{ signature: string; notes: string }>();
  return (
    <>
      <SignatureField
        id={`${who}-signature`}
        label={`${who === "dispatch" ? "Courier" : "Receiver"}'s signature (one for the whole case)`}
        onChange={(png) =>
          png ? setValue("signature", png, { shouldValidate: formState.isSubmitted }) : resetField("signature")
        }
        error={formState.errors.signature?.message}
      />
      <Notes.TextAreaField name="notes" id={`${who}-notes`} label="Notes (optional)" rows={2} />
      {blocked && <p className="text-sm text-amber-800">{blocked}</p>}
      <button type="submit" className="btn-primary w-full" disabled={!ready || formState.isSubmitting}>
        {submit}
      </button>
    </>
  );
}
/** Queues the step's one event; the outbox changes the device's cache with it. */
function useRecordStep(onRecorded: () => void) {
  const sync = useFieldSync();
  return {
    ready: !!sync,
    async record(draft: SyncEventDraft, done: string) {
      if (!sync) return;
      try {
        await sync.engine.enqueue(draft);
      } catch (error) {
        throw new Error(
          error instanceof InvalidEventError ? error.message : "It could not be saved on this device; try again.",
          { cause: error },
        );
      }
      toast.success(`${done} It syncs as soon as there is a connection.`);
      onRecorded();
    },
  };
}

const cartridges = (count: number) => `${count} cartridge${count === 1 ? "" : "s"}`;

/** Keeps the form's cartridges those of the case as scanned. */
function useScannedBarcodes(form: { setValue: (name: "barcodes", value: string[]) => void }, barcodes: string[]) {
  useEffect(() => form.setValue("barcodes", barcodes), [form, barcodes]);
}

type DispatchValues = z.input<typeof dispatchSchema>;
const Dispatch = formFields<DispatchValues>();

/** The courier's signature for the whole case, its seals, and the one dispatch event. */
export function DispatchForm({ consignment, barcodes, blocked, onRecorded }: Props) {
  const viewer = useViewer();
  const step = useRecordStep(onRecorded);
  const form = useZodForm(dispatchSchema, {
    defaultValues: { consignmentId: consignment.id, barcodes, sealNumbers: [""], courierName: viewer?.name ?? "" },
  });
  useScannedBarcodes(form, barcodes);

  async function onSubmit(values: z.output<typeof dispatchSchema>) {
    if (blocked) throw new Error(blocked);
    await step.record(
      { type: "consignment.dispatched", payload: values },
      `Dispatch of ${consignment.number} with ${cartridges(values.barcodes.length)} recorded.`,
    );
  }

  return (
    <Form form={form} onSubmit={onSubmit} className="card space-y-4 p-4" aria-label="Dispatch the case">
      {form.formState.errors.barcodes && (
        <p className="text-sm text-red-700">{form.formState.errors.barcodes.message}</p>
      )}
      <SealNumbers initial={1} />
      <Dispatch.TextField name="courierName" id="courier-name" label="Courier name" autoComplete="name" />
      <SignAndRecord
        who="dispatch"
        blocked={blocked}
        ready={step.ready}
        submit={`Dispatch ${cartridges(barcodes.length)}`}
      />
    </Form>
  );
}

type ReceiptValues = z.input<typeof receiptSchema>;
const Receipt = formFields<ReceiptValues>();

/** What the receiver found (the seal, checked against the dispatch's numbers), their signature, the one receipt event. */
export function ReceiptForm({ consignment, barcodes, blocked, onRecorded }: Props) {
  const viewer = useViewer();
  const step = useRecordStep(onRecorded);
  const dispatched = useMemo(
    () => (consignment.state === "in_transit" ? consignment.sealNumbers : []),
    [consignment.state, consignment.sealNumbers],
  );
  // Numbers that differ from the dispatch's are a discrepancy to describe, as a broken seal is.
  const schema = useMemo(
    () =>
      receiptSchema.superRefine((receipt, context) => {
        if (dispatched.length > 0 && !sealsMatch(dispatched, receipt.sealNumbers) && !receipt.sealDiscrepancy)
          context.addIssue({
            code: "custom",
            path: ["sealDiscrepancy"],
            message: "The seal numbers differ from those at dispatch: describe what you found",
          });
      }),
    [dispatched],
  );
  const form = useZodForm(schema, {
    defaultValues: {
      consignmentId: consignment.id,
      barcodes,
      sealNumbers: dispatched.length > 0 ? dispatched.map(() => "") : [""],
      receiverName: viewer?.name ?? "",
    },
  });
  useScannedBarcodes(form, barcodes);
  const intact = form.watch("sealIntact");
  const typedSeals = form.watch("sealNumbers").filter((seal) => seal.trim());
  const differs = dispatched.length > 0 && typedSeals.length > 0 && !sealsMatch(dispatched, typedSeals);

  async function onSubmit(values: z.output<typeof schema>) {
    if (blocked) throw new Error(blocked);
    await step.record(
      { type: "consignment.received", payload: values },
      `Receipt of ${consignment.number} with ${cartridges(values.barcodes.length)} recorded.`,
    );
  }

  const intactError = form.formState.errors.sealIntact?.message;
  return (
    <Form form={form} onSubmit={onSubmit} className="card space-y-4 p-4" aria-label="Receive the case">
      <fieldset aria-describedby={intactError ? "seal-intact-error" : undefined}>
        <legend className="label">Is the seal intact?</legend>
        <div className="flex gap-4 text-sm">
          {[
            { value: true, label: "Yes, intact" },
            { value: false, label: "No, broken or missing" },
          ].map((option) => (
            <label key={option.label} className="flex items-center gap-2">
              <input
                type="radio"
                name="seal-intact"
                checked={intact === option.value}
                onChange={() =>
                  form.setValue("sealIntact", option.value, { shouldValidate: form.formState.isSubmitted })
                }
              />
              {option.label}
            </label>
          ))}
        </div>
        {intactError && (
          <p id="seal-intact-error" className="mt-1 text-xs text-red-700">
            {intactError}
          </p>
        )}
      </fieldset>
      <SealNumbers initial={dispatched.length} />
      {differs && (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="seal-mismatch">
          These seal numbers differ from those recorded at dispatch ({dispatched.join(", ")}). Describe what you found.
        </p>
      )}
      {(intact === false || differs) && (
        <Receipt.TextAreaField
          name="sealDiscrepancy"
          id="seal-discrepancy"
          label="What is wrong with the seal"
          rows={2}
        />
      )}
      <Receipt.TextField name="receiverName" id="receiver-name" label="Receiver name" autoComplete="name" />
      <SignAndRecord
        who="receipt"
        blocked={blocked}
        ready={step.ready}
        submit={`Receive ${cartridges(barcodes.length)}`}
      />
    </Form>
  );
}
