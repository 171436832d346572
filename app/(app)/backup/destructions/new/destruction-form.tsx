"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useState } from "react";
import { useController, useWatch } from "react-hook-form";
import { toast } from "sonner";
import { Form, FormActions, FormError, formFields, useZodForm } from "@/app/_components/field";
import { useCan } from "@/app/_components/writers-only";
import { errorMessage, useTRPC } from "@/app/_trpc/client";
import { formatCalendarDate, toDateTimeLocal } from "@/lib/dates";
import {
  METHOD_LABEL,
  METHOD_MEANING,
  recordDestructionSchema,
  TECHNIQUES,
  type DestructionFormValues,
  type RecordDestructionInput,
  type SanitizationMethod,
} from "@/lib/destruction";
import { LOCATION_KIND_LABEL } from "@/lib/vocabulary";
import { ScanInput, type ScanOutcome } from "../../scan/scan-input";

const { TextField, TextAreaField, SelectField } = formFields<DestructionFormValues>();

/** A cartridge on the list to destroy. */
export type PickedTape = { id: string; barcode: string };

const TECHNIQUE_LIST = "destruction-techniques";

/**
 * Records one destruction: the cartridges, added by scanning or typing their labels (or chosen beforehand),
 * each shown with whether it may be destroyed and why not; then how, when and by whom, as the certificate
 * of sanitization states it. The override reason is offered to administrators when data has not expired.
 */
export function DestructionForm({ start }: { start: PickedTape[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const canOverride = useCan("destruction.override");
  const record = useMutation(trpc.destruction.record.mutationOptions());
  const form = useZodForm(recordDestructionSchema, {
    defaultValues: {
      tapeIds: start.map((tape) => tape.id),
      method: "destroy",
      technique: "",
      // Today where the user is: the day it was most likely done.
      performedAt: toDateTimeLocal(new Date()).slice(0, 10),
      performedBy: "",
      witness: "",
      vendor: "",
      vendorCertificate: "",
      verification: "",
      remainsDestination: "",
      overrideReason: "",
      notes: "",
    },
  });
  const tapeIds = useController({ control: form.control, name: "tapeIds" });
  const [picked, setPicked] = useState<PickedTape[]>(start);
  const [lookupError, setLookupError] = useState<string | null>(null);
  const [method, vendor] = useWatch({ control: form.control, name: ["method", "vendor"] });
  const ids = picked.map((tape) => tape.id);
  const check = useQuery({
    ...trpc.destruction.check.queryOptions({ tapeIds: ids, withVendor: !!vendor?.trim() }),
    enabled: ids.length > 0,
  });
  const overridable = check.data?.some((row) => row.overridable) ?? false;

  function setTapes(next: PickedTape[]) {
    setPicked(next);
    tapeIds.field.onChange(next.map((tape) => tape.id));
    form.clearErrors("tapeIds");
  }

  const onScan = useCallback(
    (barcode: string): ScanOutcome => {
      if (picked.some((tape) => tape.barcode === barcode))
        return { message: `${barcode} is already on the list.`, sound: "warn" };
      setLookupError(null);
      queryClient.fetchQuery(trpc.tapes.byBarcode.queryOptions({ barcode }, { staleTime: 0 })).then(
        (tape) => {
          if (!tape) setLookupError(`No cartridge with barcode ${barcode} is registered.`);
          else
            setPicked((current) => {
              if (current.some((known) => known.id === tape.id)) return current;
              const next = [...current, { id: tape.id, barcode: tape.barcode }];
              tapeIds.field.onChange(next.map((known) => known.id));
              return next;
            });
        },
        (error: unknown) => setLookupError(errorMessage(error)),
      );
      return { message: `Added ${barcode}.`, sound: "confirm" };
    },
    [picked, queryClient, trpc, tapeIds.field],
  );

  async function onSubmit(values: RecordDestructionInput) {
    const saved = await record.mutateAsync(values);
    void queryClient.invalidateQueries({ queryKey: trpc.destruction.pathKey() });
    toast.success(`${saved.number} recorded: ${values.tapeIds.length} cartridge(s) destroyed.`);
    router.push(`/backup/destructions/${saved.id}`);
    router.refresh();
  }

  const tapesError = form.formState.errors.tapeIds;
  const tapesMessage = tapesError?.message ?? tapesError?.root?.message;
  return (
    <div className="mt-4 space-y-6">
      <section aria-labelledby="destroyed-title" className="card space-y-3 p-5">
        <h2 id="destroyed-title" className="text-base font-semibold">
          Cartridges ({picked.length})
        </h2>
        {/* Outside the form below: the typed label has a form of its own, and Enter there adds a cartridge. */}
        <ScanInput onScan={onScan} resetKey={0} />
        <FormError message={lookupError} />
        {tapesMessage && <FormError message={tapesMessage} />}
        {picked.length === 0 ? (
          <p className="text-sm text-slate-500">None yet. Scan their labels or type them above.</p>
        ) : (
          <ul
            className="divide-y divide-slate-100 text-sm"
            aria-label="Cartridges to destroy"
            data-testid="destroy-tapes"
          >
            {picked.map((tape) => {
              const row = check.data?.find((candidate) => candidate.id === tape.id);
              return (
                <li key={tape.id} className="flex flex-wrap items-start justify-between gap-2 py-2">
                  <div>
                    <p className="font-mono font-medium">{tape.barcode}</p>
                    {row && (
                      <p className="text-xs text-slate-500">
                        {row.generation ? `LTO-${row.generation}` : "Cleaning"} ·{" "}
                        {row.locationKind
                          ? `${LOCATION_KIND_LABEL[row.locationKind]}${row.site ? `, ${row.site}` : ""}`
                          : "no location logged"}{" "}
                        · data expires {row.dataExpiresAt ? formatCalendarDate(row.dataExpiresAt) : "— (no jobs)"}
                      </p>
                    )}
                    {row &&
                      (row.eligible ? (
                        <p className="text-xs text-green-700">May be destroyed</p>
                      ) : (
                        <ul className="text-xs text-red-700">
                          {row.problems.map((problem) => (
                            <li key={problem.kind}>
                              {problem.message}
                              {problem.kind === "unexpired" &&
                                (canOverride
                                  ? ": give an override reason below"
                                  : ": only an administrator may override")}
                            </li>
                          ))}
                        </ul>
                      ))}
                  </div>
                  <button
                    type="button"
                    className="rounded px-2 text-slate-500 hover:bg-red-50 hover:text-red-700"
                    aria-label={`Remove ${tape.barcode}`}
                    onClick={() => setTapes(picked.filter((known) => known.id !== tape.id))}
                  >
                    ×
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </section>

      <Form form={form} onSubmit={onSubmit} className="space-y-6" aria-label="Record a destruction">
        <div className="card grid gap-4 p-5 sm:grid-cols-2">
          <SelectField id="destruction-method" name="method" label="Method (NIST SP 800-88)" options={METHOD_LABEL} />
          <TextField
            id="destruction-technique"
            name="technique"
            label="Technique"
            list={TECHNIQUE_LIST}
            hint="Choose one or type another"
          />
          <datalist id={TECHNIQUE_LIST}>
            {TECHNIQUES.filter((technique) => technique.method === method).map((technique) => (
              <option key={technique.name} value={technique.name} />
            ))}
          </datalist>
          <p className="text-xs text-slate-600 sm:col-span-2">{METHOD_MEANING[method as SanitizationMethod]}</p>
          <TextField id="destruction-date" name="performedAt" label="Date" type="date" />
          <TextField id="destruction-by" name="performedBy" label="Performed by" />
          <TextField id="destruction-witness" name="witness" label="Witness" />
          <TextField id="destruction-vendor" name="vendor" label="Vendor" hint="When a service provider did it" />
          <TextField id="destruction-vendor-certificate" name="vendorCertificate" label="Vendor's certificate number" />
          <TextField
            id="destruction-remains"
            name="remainsDestination"
            label="Where the remains went"
            hint="e.g. recycled by the vendor"
          />
          <div className="sm:col-span-2">
            <TextAreaField
              id="destruction-verification"
              name="verification"
              label="Verification"
              rows={2}
              placeholder="How the result was checked, e.g. visual inspection of the shredded remains"
            />
          </div>
          {canOverride && overridable && (
            <div className="sm:col-span-2">
              <TextAreaField
                id="destruction-override"
                name="overrideReason"
                label="Override reason"
                rows={2}
                placeholder="Why cartridges whose data has not expired are destroyed now: kept on the certificate and in the audit"
              />
            </div>
          )}
          <div className="sm:col-span-2">
            <TextAreaField id="destruction-notes" name="notes" label="Notes" rows={2} />
          </div>
        </div>
        <FormActions
          submit="Record destruction"
          busy="Recording…"
          pending={record.isPending}
          onCancel={() => router.back()}
        />
      </Form>
    </div>
  );
}
